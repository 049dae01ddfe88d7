"""The learned red-flag detector: a second opinion that can only raise a level.

A TF-IDF model over character and word n-grams with a multinomial logistic
regression, trained offline (`python -m bot.detector train`) on a paraphrase corpus
written for this project (data/detector/corpus.tsv) and shipped as plain JSON
(bot/detector/model.json: vocabulary, idf and weights; no pickle, nothing downloaded).
docs/detector.md says why this model and what it scores.

It runs on every message in the Rasa server (bot.nlu.red_flags). When it suspects an
emergency sign that the deterministic engine did not find, the reply leads with the
999 line for that sign and asks one yes/no question about it. It never lowers a level.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from bot.safety.text import normalise

logger = logging.getLogger(__name__)

MODEL_PATH = Path(__file__).resolve().parent / "model.json"
CORPUS_PATH = Path(__file__).resolve().parents[2] / "data" / "detector" / "corpus.tsv"
NONE_CLASS = "none"


# The engine's signs for each class: when the engine already read that sign in this
# message (found, negated, hypothetical or settled), the engine's reading stands.
CLASS_SIGNS: Dict[str, Tuple[str, ...]] = {
    "rash": ("non_blanching_rash", "purpuric_rash"),
    "colour": ("colour_change",),
    "breathing": ("breathing_difficulty", "breathing_harder", "fast_breathing_rate", "low_oxygen_saturation"),
    "alertness": ("reduced_consciousness", "no_smile"),
    "fit": ("seizure", "focal_neurology"),
    "cry": ("abnormal_cry",),
    "cold": ("cold_to_touch",),
    "confusion": ("confusion",),
    "meningism": ("meningism", "bulging_fontanelle"),
}


@dataclass(frozen=True)
class Suspicion:
    sign: str
    probability: float


class Detector:
    """Loaded from model.json; `suspect(text)` is thread-safe."""

    def __init__(self, model: Dict[str, Any]) -> None:
        import numpy as np
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.classes: List[str] = list(model["classes"])
        self.threshold = float(model["threshold"])
        self.vectorizers = []
        for part in model["vectorizers"]:
            vectorizer = TfidfVectorizer(
                analyzer=part["analyzer"],
                ngram_range=tuple(part["ngram_range"]),
                vocabulary=part["vocabulary"],
                sublinear_tf=part["sublinear_tf"],
                lowercase=False,
            )
            vectorizer.idf_ = np.asarray(part["idf"], dtype=np.float64)
            self.vectorizers.append(vectorizer)
        self.coef = np.asarray(model["coef"], dtype=np.float64)
        self.intercept = np.asarray(model["intercept"], dtype=np.float64)
        self._lock = threading.Lock()

    def probabilities(self, text: str) -> Dict[str, float]:
        import numpy as np
        from scipy.sparse import hstack

        cleaned = normalise(text or "")
        with self._lock:  # sklearn vectorizers are not documented as thread-safe
            features = hstack([v.transform([cleaned]) for v in self.vectorizers]).tocsr()
        scores = features @ self.coef.T + self.intercept
        scores = np.asarray(scores).ravel()
        scores = np.exp(scores - scores.max())
        probs = scores / scores.sum()
        return {c: float(p) for c, p in zip(self.classes, probs, strict=True)}

    def suspect(self, text: str) -> Optional[Suspicion]:
        """The most likely emergency sign, when its probability reaches the threshold."""
        probs = self.probabilities(text)
        sign, probability = max(((c, p) for c, p in probs.items() if c != NONE_CLASS), key=lambda cp: cp[1])
        if probability >= self.threshold:
            return Suspicion(sign, round(probability, 3))
        return None


@lru_cache(maxsize=1)
def load_detector(path: Optional[str] = None) -> Detector:
    model = json.loads(Path(path or MODEL_PATH).read_text(encoding="utf8"))
    return Detector(model)


def read_corpus(path: Path = CORPUS_PATH) -> Tuple[List[str], List[str]]:
    texts, labels = [], []
    for line in path.read_text(encoding="utf8").splitlines():
        if "\t" not in line or line.startswith("#"):
            continue
        label, text = line.split("\t")[:2]
        texts.append(normalise(text))
        labels.append(label.strip())
    return texts, labels


VECTORIZERS = (
    {"analyzer": "char_wb", "ngram_range": (2, 5), "min_df": 2, "sublinear_tf": True},
    {"analyzer": "word", "ngram_range": (1, 2), "min_df": 1, "sublinear_tf": True},
)


def fit(texts: List[str], labels: List[str], c: float = 8.0) -> Tuple[List[Tuple[Dict[str, Any], Any]], Any]:
    """Fit the vectorizers and the classifier (scikit-learn objects)."""
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    fitted = []
    matrices = []
    for spec in VECTORIZERS:
        vectorizer = TfidfVectorizer(
            analyzer=spec["analyzer"],
            ngram_range=spec["ngram_range"],
            min_df=spec["min_df"],
            sublinear_tf=spec["sublinear_tf"],
            lowercase=False,
        )
        matrices.append(vectorizer.fit_transform(texts))
        fitted.append((spec, vectorizer))
    classifier = LogisticRegression(C=c, max_iter=2000, class_weight="balanced", random_state=42)
    classifier.fit(hstack(matrices).tocsr(), labels)
    return fitted, classifier


def export(
    fitted: List[Tuple[Dict[str, Any], Any]], classifier: Any, threshold: float, corpus_sha256: str
) -> Dict[str, Any]:
    """The JSON-ready model: vocabulary, idf and weights (no pickle)."""
    import numpy as np

    return {
        "classes": [str(k) for k in classifier.classes_],
        "threshold": threshold,
        "corpus_sha256": corpus_sha256,
        "vectorizers": [
            {
                "analyzer": spec["analyzer"],
                "ngram_range": list(spec["ngram_range"]),
                "sublinear_tf": spec["sublinear_tf"],
                "vocabulary": {str(k): int(v) for k, v in vectorizer.vocabulary_.items()},
                "idf": [round(float(x), 6) for x in vectorizer.idf_],
            }
            for spec, vectorizer in fitted
        ],
        "coef": np.round(classifier.coef_, 5).tolist(),
        "intercept": np.round(classifier.intercept_, 5).tolist(),
    }


def corpus_digest(path: Path = CORPUS_PATH) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def train(path: Path, threshold: float) -> Dict[str, Any]:
    texts, labels = read_corpus(path)
    fitted, classifier = fit(texts, labels)
    return export(fitted, classifier, threshold, corpus_digest(path))
