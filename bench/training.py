"""Train one model from scratch, timed: `python -m bench.training --config C --name N --out DIR`.

A process of its own, so that its peak memory (RUSAGE_CHILDREN: the `rasa train` process that
bot.cli.train waits for) is this model's alone. Prints one JSON line: seconds, peak_rss_mb.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path
from typing import List, Optional

from bot import cli


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.training")
    parser.add_argument("--config", default="config.yml")
    parser.add_argument("--name", default=cli.MODEL_NAME)
    parser.add_argument("--out", default=str(cli.MODELS))
    parser.add_argument("--force", action="store_true", help="train from scratch even if nothing changed")
    args = parser.parse_args(argv)
    started = time.monotonic()
    model = cli.train(force=args.force, config=args.config, out=Path(args.out), name=args.name)
    seconds = time.monotonic() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(
        json.dumps({"model": str(model), "seconds": seconds, "peak_rss_mb": peak_kb / 1024.0, "forced": args.force}),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
