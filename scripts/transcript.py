"""Print a Markdown transcript of a conversation with the running bot (REST channel).

    .venv/bin/python scripts/transcript.py "my 8 week old has a temp of 38.3" "ok thanks"
"""

from __future__ import annotations

import json
import sys
import urllib.request
import uuid

URL = "http://127.0.0.1:5005/webhooks/rest/webhook"


def say(sender: str, text: str) -> list:
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(URL, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as reply:
        return json.loads(reply.read())


def main(turns: list[str]) -> None:
    sender = f"transcript-{uuid.uuid4().hex[:8]}"
    for turn in turns:
        print(f"**Parent:** {turn}\n")
        for message in say(sender, turn):
            custom = message.get("custom") or {}
            text = message.get("text") or custom.get("text") or ""
            if custom.get("type") == "film_card":
                text = f"[film card] {custom['title']} ({custom['audience']}) {custom['url']}"
            buttons = " ".join(f"[{b['title']}]" for b in message.get("buttons") or [])
            print(f"> **Bot:** {text}{'  ' + buttons if buttons else ''}\n")


if __name__ == "__main__":
    main(sys.argv[1:])
