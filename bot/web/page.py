"""The parent page: a fixed template, its clinical lines taken from the guidance file."""

from __future__ import annotations

import html
from functools import lru_cache
from pathlib import Path
from string import Template

from bot.guidance import load_guidance
from bot.web.security import RasaOrigin

TEMPLATE_PATH = Path(__file__).with_name("templates") / "index.html"


@lru_cache(maxsize=1)
def _template() -> Template:
    return Template(TEMPLATE_PATH.read_text(encoding="utf8"))


def render_page(origin: RasaOrigin) -> str:
    """Every value is escaped: the page holds no markup that did not come from the template."""
    guidance = load_guidance()
    values = {
        "rasa_url": origin.http,
        "safety_net": guidance.text("safety_net"),
        "safety_line": guidance.text("safety_line"),
    }
    return _template().substitute({key: html.escape(value, quote=True) for key, value in values.items()})
