"""The learned detector shipped with the project (bot/detector/model.json)."""

from __future__ import annotations

import json

import pytest

from bot.detector import CLASS_SIGNS, MODEL_PATH, NONE_CLASS, Detector, corpus_digest, export, fit, load_detector
from bot.guidance import load_guidance


def test_the_shipped_model_was_trained_on_the_shipped_corpus() -> None:
    model = json.loads(MODEL_PATH.read_text(encoding="utf8"))
    assert model["corpus_sha256"] == corpus_digest(), "retrain: python -m bot.detector train"


def test_every_class_has_a_question_and_the_engine_signs_it_stands_for() -> None:
    detector = load_detector()
    signs = set(detector.classes) - {NONE_CLASS}
    assert signs == set(CLASS_SIGNS)
    guidance = load_guidance()
    for sign in signs:
        assert guidance.detector_sign(sign)
        for engine_sign in CLASS_SIGNS[sign]:
            assert engine_sign in guidance.signs or engine_sign.startswith(("fast_", "low_"))


@pytest.mark.hazard("H01")
def test_the_json_model_gives_the_same_probabilities_as_the_fitted_one() -> None:
    texts = ["she is floppy and limp", "he is grunting with every breath", "tiny purple spots that stay",
             "playing happily with a temp", "thanks so much", "lips have gone blue"] * 3  # fmt: skip
    labels = ["alertness", "breathing", "rash", "none", "none", "colour"] * 3
    fitted, classifier = fit(texts, labels)
    detector = Detector(export(fitted, classifier, 0.5, "test"))
    from scipy.sparse import hstack

    sample = "my baby is floppy and her lips are blue"
    expected = classifier.predict_proba(hstack([v.transform([sample]) for _, v in fitted]).tocsr())[0]
    got = detector.probabilities(sample)
    for cls, probability in zip(classifier.classes_, expected, strict=True):
        assert got[cls] == pytest.approx(probability, abs=1e-3)


@pytest.mark.hazard("H01")
def test_the_shipped_detector_suspects_plain_emergencies_and_not_greetings() -> None:
    detector = load_detector()
    assert detector.suspect("hello there") is None
    assert detector.suspect("thank you so much") is None
    found = detector.suspect("she has gone completely floppy and wont wake up properly")
    assert found is not None and found.sign == "alertness"
