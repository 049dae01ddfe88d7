"""Text clean-up and tokenising shared by the matcher and the number readers."""

from __future__ import annotations

import re
import unicodedata
from typing import List, Tuple

# Apostrophes are dropped so that "can't", "cant" and "can’t" all become "cant".
_APOSTROPHES = re.compile(r"[\u2018\u2019\u02bc\u0060\u00b4']")
# Invisible characters that copied text carries inside words (NUL, soft hyphen, zero-width
# space and joiners, bidi marks, BOM): removed, so "flo\u200bppy" and "fa\u00adde" are read
# as the words they show. Other control characters separate words.
_INVISIBLE = re.compile(
    r"[\u0000-\u0008\u000e-\u001f\u007f\u00ad\u034f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufe00-\ufe0f]"
)
_CONTROL = re.compile(r"[\u000b\u000c\u0085\u2028\u2029]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_TOKEN = re.compile(r"\d+(?:[.,]\d+)?|[a-z]+(?:[-&][a-z]+)*|[^\sa-z\d]")
# "n't" forms and a few run-together words parents type.
_REWRITES = [
    (re.compile(r"\bcan\s*not\b"), "cant"),
    (re.compile(r"\bwill\s+not\b"), "wont"),
    (re.compile(r"\bdo\s+not\b"), "dont"),
    (re.compile(r"\bdoes\s+not\b"), "doesnt"),
    (re.compile(r"\bdid\s+not\b"), "didnt"),
    (re.compile(r"\bis\s+not\b"), "isnt"),
    (re.compile(r"\bhas\s+not\b"), "hasnt"),
    (re.compile(r"\bhave\s+not\b"), "havent"),
    (re.compile(r"\bhad\s+not\b"), "hadnt"),
    (re.compile(r"\bwas\s+not\b"), "wasnt"),
    (re.compile(r"\bcould\s+not\b"), "couldnt"),
    (re.compile(r"\bwould\s+not\b"), "wouldnt"),
    (re.compile(r"\bare\s+not\b"), "arent"),
    (re.compile(r"\bwere\s+not\b"), "werent"),
    (re.compile(r"\ba\s+and\s+e\b|\ba\s*&\s*e\b|\ba\+e\b"), "a&e"),
]


def clean(text: str) -> str:
    """Lower-case, NFKC, no control characters or stray surrogates."""
    text = _SURROGATES.sub(" ", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf") if not text.isascii() else text
    text = _INVISIBLE.sub("", text)
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub(" ", text)
    return text


def normalise(text: str) -> str:
    """The form every reader works on: lower case, apostrophes dropped."""
    text = clean(text).lower()
    text = _APOSTROPHES.sub("", text)
    text = text.replace("°", " ").replace("º", " ")
    for pattern, replacement in _REWRITES:
        text = pattern.sub(replacement, text)
    return text


def tokenise(normalised: str) -> Tuple[List[str], List[bool], List[int]]:
    """Words, trailing-space flags and character offsets of a normalised text."""
    words: List[str] = []
    spaces: List[bool] = []
    starts: List[int] = []
    for match in _TOKEN.finditer(normalised):
        words.append(match.group())
        starts.append(match.start())
        end = match.end()
        spaces.append(end < len(normalised) and normalised[end].isspace())
    return words, spaces, starts
