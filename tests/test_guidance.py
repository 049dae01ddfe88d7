"""The guidance file: every clinical item has a source and is within its review date,
and every wording the bot uses comes from it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from bot.guidance import load_guidance

ROOT = Path(__file__).resolve().parent.parent
GUIDANCE = load_guidance()


@pytest.mark.hazard("H08")
@pytest.mark.parametrize("item", list(GUIDANCE.items()), ids=lambda item: item.path)
def test_every_item_names_a_known_source_and_is_within_its_review_date(item) -> None:
    assert item.source, f"{item.path} has no source"
    assert item.source in GUIDANCE.sources(), f"{item.path} names unknown source {item.source!r}"
    assert item.review_by is not None, f"{item.path} has no review-by date"
    assert item.review_by >= dt.date.today(), f"{item.path} was due for review on {item.review_by}"
    assert item.reviewer, f"{item.path} has no reviewer"


def test_every_source_has_a_title_and_an_address() -> None:
    for key, source in GUIDANCE.sources().items():
        assert source.get("title") and str(source.get("url", "")).startswith("https://"), key


def _domain_response_texts() -> list[str]:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    texts = []
    for name, variations in domain["responses"].items():
        for variation in variations:
            texts.append((name, variation.get("text", "")))
    return texts


@pytest.mark.parametrize("name,text", _domain_response_texts())
def test_domain_responses_only_name_guidance_items(name: str, text: str) -> None:
    references = re.findall(r"guidance:([a-z0-9_.]+)", text)
    assert references, f"{name} writes its wording in domain.yml instead of naming a guidance item"
    leftover = re.sub(r"guidance:[a-z0-9_.]+", "", text).strip()
    assert leftover == "", f"{name} has text outside guidance references: {leftover!r}"
    for key in references:
        assert GUIDANCE.has_text(key), f"{name} names missing guidance item {key}"
    expanded = GUIDANCE.expand(text)
    assert "999" in expanded or "111" in expanded, f"{name} does not carry the 999/111 line"


@pytest.mark.hazard("H12")
def test_the_emergency_response_is_one_fixed_text_that_starts_with_999() -> None:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    variations = domain["responses"]["utter_emergency"]
    assert len(variations) == 1
    text = GUIDANCE.expand(variations[0]["text"])
    assert re.match(r"Call 999 now or go to A&E\.", text)


def test_no_dose_numbers_in_any_wording() -> None:
    for key in GUIDANCE.data["texts"]:
        text = GUIDANCE.text(key, contact="x", limit="2,000", sign="x", facts="x", reading="38", value="x", time="x")
        assert not re.search(r"\d+\s*(?:mg|ml|milligrams?|millilitres?|tablets?|spoons?)\b", text, re.I), key


def test_film_addresses_are_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FILM_URL_FEVER_AT_HOME", "https://films.example.nhs.uk/fever-at-home.mp4")
    assert GUIDANCE.film("fever_at_home").url == "https://films.example.nhs.uk/fever-at-home.mp4"
    assert len(GUIDANCE.films()) == 3


def _string_literals(path: Path) -> list[str]:
    """String constants in a module, docstrings left out."""
    import ast

    tree = ast.parse(path.read_text())
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
    }  # fmt: skip
    logged = {
        id(arg)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name) and node.func.value.id == "logger"
        for arg in node.args
    }  # fmt: skip
    return [
        node.value for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        and id(node) not in docstrings and id(node) not in logged
    ]  # fmt: skip


@pytest.mark.parametrize("package", ["actions", "bot/channels", "bot/dialogue", "bot/nlu"])
def test_no_clinical_wording_is_written_outside_the_guidance_file(package: str) -> None:
    """Code refers to guidance keys; a sentence written in code would be a second copy."""
    for path in (ROOT / package).glob("*.py"):
        for literal in _string_literals(path):
            if "\\b" in literal or "(?:" in literal:
                continue  # a pattern that reads the parent's words, not wording sent to them
            words = re.findall(r"[A-Za-z]+", literal)
            clinical = re.search(r"\b(?:999|111|A&E|sepsis|fever|rash|breath)", literal, re.I)
            assert not (len(words) >= 8 and clinical), f"{path.name} writes clinical wording: {literal[:70]!r}"
