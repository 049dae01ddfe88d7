"""A stand-in Rasa server for browser tests that need exact bot messages.

The real socket.io channel (bot.channels.socketio.SafeSocketIOInput, its guard included)
answers the browser; a scripted bot stands in for the trained model. When the parent's message
is the name of a script, the bot sends that script's messages, each turned into a BotUttered and
back into the dict that Rasa's processor hands to the output channel (text, buttons, custom and
the extra keys such as `guidance_keys` and `level`). An entry {"pause_s": 2} makes the bot take
that long (the guard holds a turn's messages until it ends, so the whole reply comes late).

    python -m tests.web.scripted_rasa --port 5099 --scripts scripts.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path
from typing import Any, Dict, List, Optional

from rasa.core.actions.action import create_bot_utterance
from rasa.core.channels.channel import UserMessage, register
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.socketio import SafeSocketIOInput
from bot.safety import safe_assess

Script = List[Dict[str, Any]]


def create_app(scripts: Dict[str, Script]) -> Sanic:
    app = Sanic("scripted_rasa")
    app.config.MOTD = False

    class ScriptedAgent:
        async def handle_message(self, message: UserMessage) -> None:
            for bot_message in scripts.get((message.text or "").strip(), []):
                if "pause_s" in bot_message:
                    await asyncio.sleep(float(bot_message["pause_s"]))
                    continue
                uttered = create_bot_utterance(json.loads(json.dumps(bot_message)))
                await message.output_channel.send_response(message.sender_id, uttered.message())

    app.ctx.agent = ScriptedAgent()
    register([SafeSocketIOInput.from_credentials({"session_persistence": True})], app, route="/webhooks/")

    @app.get("/")
    async def health(_: Request) -> HTTPResponse:
        return response.text("scripted Rasa")

    return app


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.web.scripted_rasa")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--scripts", type=Path, required=True, help="JSON: {script name: [bot message, ...]}")
    args = parser.parse_args(argv)
    safe_assess("warm up")  # the guard assesses every message: load the engine before serving
    app = create_app(json.loads(args.scripts.read_text(encoding="utf8")))
    app.run(host="127.0.0.1", port=args.port, access_log=False)


if __name__ == "__main__":
    main()
