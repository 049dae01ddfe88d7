"""The Rasa server's address, checked once, and the security headers built from it."""

from __future__ import annotations

from typing import Dict, NamedTuple
from urllib.parse import urlsplit

WEBSOCKET_SCHEMES = {"http": "ws", "https": "wss"}


class RasaOrigin(NamedTuple):
    """Where the widget's socket.io connection goes: the HTTP origin and its ws: twin."""

    http: str
    websocket: str


def rasa_origin(url: str) -> RasaOrigin:
    """`http://127.0.0.1:5005/` -> (http://127.0.0.1:5005, ws://127.0.0.1:5005).

    Raises ValueError for anything that is not a plain http(s) origin, so that
    nothing odd ever reaches the page or the Content-Security-Policy.
    """
    parts = urlsplit(url.strip())
    if parts.scheme not in WEBSOCKET_SCHEMES or not parts.hostname:
        raise ValueError(f"the Rasa URL must look like http://host:port, not {url!r}")
    if parts.username or parts.password or parts.query or parts.fragment or parts.path not in ("", "/"):
        raise ValueError(f"the Rasa URL must be an origin only (scheme, host, port), not {url!r}")
    if any(c in parts.netloc for c in " ;,'\"<>\\"):
        raise ValueError(f"the Rasa URL has characters that an origin cannot have: {url!r}")
    netloc = parts.netloc.lower()
    return RasaOrigin(f"{parts.scheme}://{netloc}", f"{WEBSOCKET_SCHEMES[parts.scheme]}://{netloc}")


def content_security_policy(origin: RasaOrigin) -> str:
    """Only this app's own files run; the only other place the page talks to is Rasa."""
    directives = {
        "default-src": "'none'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self'",
        "font-src": "'self'",
        "connect-src": f"'self' {origin.http} {origin.websocket}",
        "base-uri": "'none'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
        "object-src": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def page_headers(origin: RasaOrigin) -> Dict[str, str]:
    return {
        "Content-Security-Policy": content_security_policy(origin),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-store",
    }


def asset_headers() -> Dict[str, str]:
    """Widget files are embedded by other sites, so they are readable from any origin."""
    return {"X-Content-Type-Options": "nosniff", "Cross-Origin-Resource-Policy": "cross-origin"}
