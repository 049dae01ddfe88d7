"""Load bot/guidance/guidance.yml and answer questions about it by key."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import yaml

GUIDANCE_PATH = Path(__file__).with_name("guidance.yml")
REFERENCE_PREFIX = "guidance:"
REFERENCE = re.compile(r"guidance:([a-z0-9_.]+)")


class GuidanceError(KeyError):
    """A key that the guidance file does not hold."""


@dataclass(frozen=True)
class Film:
    key: str
    title: str
    audience: str
    url: str


@dataclass(frozen=True)
class Item:
    """Any item that carries clinical content, for review checks."""

    path: str
    source: Optional[str]
    review_by: Optional[dt.date]
    reviewer: Optional[str]


class Guidance:
    """Read-only view of the guidance file."""

    def __init__(self, data: Dict[str, Any], digest: str) -> None:
        self.data = data
        self.digest = digest
        self.defaults = data.get("defaults", {})

    # --- texts -----------------------------------------------------------
    def text(self, key: str, **values: Any) -> str:
        try:
            item = self.data["texts"][key]
        except KeyError as exc:
            raise GuidanceError(key) from exc
        text = " ".join(str(item["text"]).split())
        if key == "info.contact" and "contact" not in values:
            values["contact"] = self.contact()
        return text.format(**values) if values else text

    def buttons(self, key: str) -> List[Dict[str, str]]:
        item = self.data["texts"].get(key, {})
        return [dict(b) for b in item.get("buttons", [])]

    def has_text(self, key: str) -> bool:
        return key in self.data["texts"]

    def expand(self, text: str) -> str:
        """Replace every `guidance:KEY` reference in a response with its text."""
        return REFERENCE.sub(lambda m: self.text(m.group(1)), text)

    # --- films and contact ------------------------------------------------
    def films(self) -> List[Film]:
        return [self.film(key) for key in self.data["films"]]

    def film(self, key: str) -> Film:
        item = self.data["films"][key]
        url = os.environ.get(item.get("url_env", ""), "") or item["url"]
        return Film(key=key, title=item["title"], audience=item["audience"], url=url)

    def contact(self) -> str:
        item = self.data["contact"]
        return os.environ.get(item.get("env", ""), "") or item["default"]

    # --- signs and rules --------------------------------------------------
    @property
    def signs(self) -> Dict[str, Dict[str, Any]]:
        return self.data["signs"]

    def threshold(self, key: str) -> float:
        return float(self.data["thresholds"][key]["value"])

    def detector_sign(self, sign: str) -> str:
        return str(self.data["detector_signs"][sign])

    def vital_sign(self, kind: str) -> Dict[str, Any]:
        return dict(self.data["vital_signs"][kind])

    def risk_factors(self) -> Dict[str, Dict[str, Any]]:
        return dict(self.data.get("risk_factors", {}))

    def vocabulary(self, key: str) -> List[str]:
        return list(self.data["vocabulary"][key])

    # --- review -----------------------------------------------------------
    def items(self) -> Iterator[Item]:
        """Every item with clinical content, with its source and review date."""
        default_by = self.defaults.get("review_by")
        default_reviewer = self.defaults.get("reviewer")
        for section in ("texts", "films", "thresholds", "vital_signs", "signs", "concepts"):
            for key, item in self.data.get(section, {}).items():
                yield Item(
                    path=f"{section}.{key}",
                    source=item.get("source"),
                    review_by=_as_date(item.get("review_by", default_by)),
                    reviewer=item.get("reviewer", default_reviewer),
                )
        for key in ("contact", "vocabulary", "detector_signs"):
            item = self.data.get(key)
            if item is None:
                continue
            yield Item(
                path=key,
                source=item.get("source"),
                review_by=_as_date(item.get("review_by", default_by)),
                reviewer=item.get("reviewer", default_reviewer),
            )

    def sources(self) -> Dict[str, Dict[str, str]]:
        return self.data["sources"]


def _as_date(value: Any) -> Optional[dt.date]:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def read_guidance_file(path: Path = GUIDANCE_PATH) -> Tuple[Dict[str, Any], str]:
    raw = path.read_bytes()
    return yaml.safe_load(raw), hashlib.sha256(raw).hexdigest()[:12]


@lru_cache(maxsize=4)
def load_guidance(path: Optional[str] = None) -> Guidance:
    data, digest = read_guidance_file(Path(path) if path else GUIDANCE_PATH)
    return Guidance(data, digest)
