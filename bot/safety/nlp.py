"""The blank English spaCy pipeline, built from code (no model downloads).

The same pipeline is saved to disk for Rasa's SpacyNLP component
(`python -m bot prepare`) and built in memory for the safety engine.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Dict, List

import spacy
from spacy.language import Language
from spacy.lookups import Table

from bot.guidance import load_guidance

PIPELINE_NAME = "en_sepsis_blank"


def entity_patterns() -> List[Dict[str, str]]:
    """Entity-ruler patterns from the guidance file: the films by title."""
    guidance = load_guidance()
    patterns = []
    for film in guidance.films():
        title = film.title.split(" (")[0]
        patterns.append({"label": "FILM", "pattern": title.lower(), "id": film.key})
    return patterns


def build_pipeline() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    nlp.initialize()
    ruler.add_patterns(entity_patterns())
    nlp.meta["name"] = PIPELINE_NAME
    nlp.meta["description"] = "Blank English + lookup lemmatizer + entity ruler (built from code)"
    return nlp


@lru_cache(maxsize=1)
def shared_pipeline() -> Language:
    return build_pipeline()


@lru_cache(maxsize=1)
def lemma_table() -> Table:
    """spaCy's lookup table: `word in table`, `table.get(word)` (keys are hashed)."""
    return shared_pipeline().get_pipe("lemmatizer").lookups.get_table("lemma_lookup")


def save_pipeline(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    build_pipeline().to_disk(path)
    (path / "BUILT_FROM.json").write_text(json.dumps({"guidance": load_guidance().digest}))
    return path
