"""`python -m bot.web --port 8000 --rasa-url http://127.0.0.1:5005`: serve until killed."""

from __future__ import annotations

import argparse
import os
import sys
from typing import List, Optional

from bot.web.app import create_app
from bot.web.security import rasa_origin


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot.web", description="The parent web chat page and widget.")
    parser.add_argument("--host", default=os.environ.get("BIND_HOST", "127.0.0.1"), help="address to listen on")
    parser.add_argument("--port", type=int, default=int(os.environ.get("WEB_PORT", 8000)))
    parser.add_argument(
        "--rasa-url",
        default=os.environ.get("RASA_URL", "http://127.0.0.1:5005"),
        help="the Rasa server the widget connects to, as the parent's browser reaches it",
    )
    args = parser.parse_args(argv)
    try:
        args.origin = rasa_origin(args.rasa_url)
    except ValueError as error:
        parser.error(str(error))
    return args


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    app = create_app(args.origin)
    print(f">> parent page on http://{args.host}:{args.port}/ (widget talks to {args.origin.http})", flush=True)
    app.run(host=args.host, port=args.port, access_log=False, motd=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
