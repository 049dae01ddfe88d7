"""Fake Twilio REST API and fake Telegram Bot API: small HTTP servers that record what they get.

Each runs in a thread on 127.0.0.1 (a free port), so the real Rasa server (another
process) and in-process code can both call it.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional
from urllib.parse import parse_qsl

TWILIO_MESSAGES = re.compile(r"^/2010-04-01/Accounts/(?P<sid>[^/]+)/Messages\.json$")
TELEGRAM_METHOD = re.compile(r"^/bot(?P<token>[^/]+)/(?P<method>\w+)$")


@dataclass
class Call:
    path: str
    headers: Dict[str, str]
    form: Dict[str, str] = field(default_factory=dict)
    json: Dict[str, Any] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)

    @property
    def basic_auth(self) -> Optional[str]:
        value = self.headers.get("Authorization", "")
        if not value.startswith("Basic "):
            return None
        return base64.b64decode(value[6:]).decode()


class FakeApi:
    """Records every POST; answers like the real service would."""

    def __init__(self, kind: str) -> None:
        assert kind in ("twilio", "telegram")
        self.kind = kind
        self.calls: List[Call] = []
        self.lock = threading.Lock()
        self.twilio_max_body: Optional[int] = None  # answer 400 / 21617 above this length
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> FakeApi:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- what was received ------------------------------------------------------
    def twilio_bodies(self, to: str) -> List[str]:
        with self.lock:
            return [c.form.get("Body", "") for c in self.calls if c.form.get("To") == to]

    def twilio_calls(self, to: str) -> List[Call]:
        with self.lock:
            return [c for c in self.calls if c.form.get("To") == to]

    def telegram_texts(self, chat_id: int) -> List[str]:
        with self.lock:
            return [
                c.json.get("text", "")
                for c in self.calls
                if c.path.endswith("/sendMessage") and c.json.get("chat_id") == chat_id
            ]

    def telegram_calls(self, method: str) -> List[Call]:
        with self.lock:
            return [c for c in self.calls if c.path.endswith(f"/{method}")]

    def paths(self) -> List[str]:
        with self.lock:
            return [c.path for c in self.calls]

    # --- the HTTP side ----------------------------------------------------------
    def _answer(self, call: Call) -> tuple:
        if self.kind == "twilio":
            if not TWILIO_MESSAGES.match(call.path):
                return 404, {"code": 20404, "message": "not found"}
            body = call.form.get("Body", "")
            if self.twilio_max_body is not None and len(body) > self.twilio_max_body:
                return 400, {"code": 21617, "message": "The concatenated message body exceeds the 1600 character limit"}
            return 201, {"sid": f"SM{len(self.calls):032d}", "status": "queued", "body": body}
        match = TELEGRAM_METHOD.match(call.path)
        if not match:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        if match.group("method") == "sendMessage":
            return 200, {"ok": True, "result": {"message_id": len(self.calls), "text": call.json.get("text")}}
        if match.group("method") == "getWebhookInfo":
            return 200, {"ok": True, "result": {"url": "", "pending_update_count": 0}}
        return 200, {"ok": True, "result": True, "description": "Webhook was set"}

    def _handler(self) -> Callable[..., BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf8")
                call = Call(path=self.path, headers=dict(self.headers.items()))
                if "json" in (self.headers.get("Content-Type") or ""):
                    call.json = json.loads(raw or "{}")
                else:
                    call.form = dict(parse_qsl(raw, keep_blank_values=True))
                with fake.lock:
                    fake.calls.append(call)
                status, body = fake._answer(call)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler


def wait_until(check: Callable[[], bool], timeout: float = 30.0, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(interval)
    return check()


def settle(read: Callable[[], list], quiet: float = 2.0, timeout: float = 30.0) -> list:
    """Wait until `read()` has something and has not changed for `quiet` seconds."""
    deadline = time.monotonic() + timeout
    last = read()
    changed = time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.2)
        now = read()
        if now != last:
            last, changed = now, time.monotonic()
        elif last and time.monotonic() - changed >= quiet:
            break
    return last
