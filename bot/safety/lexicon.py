"""Token normalisation: slang, lemmas and spelling correction.

A token's NORM is what the matcher compares: the lemma of its lower-case form,
after parents' shorthand is expanded and an unknown word is corrected to the
nearest word the sign patterns use.
"""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, Optional, Set

import spacy_lookups_data

from bot.safety.nlp import lemma_table

SLANG: Dict[str, str] = {
    "ds": "son", "dd": "daughter", "lo": "baby", "bub": "baby", "bubba": "baby", "bubs": "baby",
    "temps": "temp", "tempreture": "temperature", "tempature": "temperature", "temperture": "temperature",
    "u": "you", "ur": "your", "wat": "what", "wen": "when", "pls": "please", "plz": "please",
    "coz": "because", "cos": "because", "cuz": "because", "abit": "bit", "alot": "lot",
    "wks": "weeks", "wk": "week", "mths": "months", "mth": "month", "mos": "months", "yrs": "years",
    "yr": "year", "hrs": "hours", "hr": "hour", "bc": "because", "rn": "now", "tho": "though",
    "thru": "through", "breathin": "breathing", "grey": "grey", "gray": "grey", "colour": "colour",
    "color": "colour", "nappys": "nappies", "babys": "baby", "babies": "baby", "childs": "child",
    "sons": "son", "daughters": "daughter", "hes": "hes", "shes": "shes", "im": "im",
    "cannot": "cant", "cant": "cant", "wont": "wont", "dont": "dont", "doesnt": "doesnt",
    "didnt": "didnt", "isnt": "isnt", "hasnt": "hasnt", "havent": "havent", "wasnt": "wasnt",
    "werent": "werent", "arent": "arent", "couldnt": "couldnt", "wouldnt": "wouldnt",
    "shouldnt": "shouldnt", "hadnt": "hadnt", "aint": "aint", "dosnt": "doesnt", "doesent": "doesnt",
    "dosent": "doesnt", "didint": "didnt", "isint": "isnt", "hasent": "hasnt", "wount": "wont",
    "rly": "really", "realy": "really", "hersel": "herself", "himsel": "himself", "wi": "with",
    "icecold": "ice-cold", "nek": "neck", "stif": "stiff", "riggers": "rigors", "rigours": "rigors", "rigour": "rigor",
    "breething": "breathing", "brething": "breathing", "breath": "breath", "siezure": "seizure",
    "seisure": "seizure", "fiting": "fitting", "flopy": "floppy", "vomitting": "vomiting",
    "vommiting": "vomiting", "vomitted": "vomited", "diarrhea": "diarrhoea", "nappie": "nappy",
    "v": "very", "vv": "very", "rlly": "really", "sooo": "so", "soooo": "so", "proper": "really",
    "reli": "really", "rele": "really", "weeun": "baby", "bairn": "child",
    "hez": "hes", "shez": "shes", "iz": "is", "bcoz": "because", "nuthin": "nothing", "nowt": "nothing",
    "summat": "something", "nd": "and", "ppl": "people", "b4": "before", "2day": "today",
    "2nite": "tonight", "tonite": "tonight", "lil": "little", "lickle": "little", "ikkle": "little",
    "blu": "blue", "bluee": "blue", "purpul": "purple", "purpel": "purple", "pail": "pale", "brethe": "breathe",
    "breth": "breath", "brefing": "breathing", "breathng": "breathing", "breating": "breathing",
    "flopey": "floppy", "sleapy": "sleepy", "slepy": "sleepy", "drowsey": "drowsy",
    "kemo": "chemo", "keemo": "chemo", "pred": "prednisolone", "steriods": "steroids",
    "rite": "right", "rong": "wrong", "rashh": "rash", "raash": "rash", "spotz": "spots", "fitt": "fit",
}  # fmt: skip

# Verbal negation: what the pattern token `not` stands for.
NEGATION_VERBAL: FrozenSet[str] = frozenset(
    "not nt cant wont dont doesnt didnt isnt hasnt havent hadnt wasnt werent arent couldnt "
    "wouldnt shouldnt aint neednt mustnt".split()
)
# Every negation cue (scope check) and what a gap may never cross.
NEGATION: FrozenSet[str] = NEGATION_VERBAL | frozenset(
    "no never without none nor neither nothing nope nah nae nowt".split()
)
CLAUSE_BREAK_WORDS: FrozenSet[str] = frozenset("but although though however except whereas".split())
PUNCTUATION: FrozenSet[str] = frozenset(list('.,;:!?()[]{}"/\\|-–—…') + ["\n"])
# Commas may sit inside a match ("red, swollen and hot"); negations never.
GAP_BLOCK: FrozenSet[str] = NEGATION | CLAUSE_BREAK_WORDS | (PUNCTUATION - {","})

# Lemmas that would merge words the patterns must keep apart.
NO_LEMMA: FrozenSet[str] = frozenset(
    "worse worst better best less least more most left lying spotted fits sick fitted "
    "wee wet cries crying cried ill hot hotter warm wound bit third fifth second first as "
    "ground saw lay found felt fell own half quarter fitting fitted harder faster quicker "
    # "marbled skin" is a colour; "like a marble" is the size of a lump
    "marbled marbling "
    # "words slurred like hes drunk" is not "drinking"
    "drunk".split()
)


def base_norm(word: str) -> str:
    """Slang, then lemma, with no spelling correction (also used on patterns)."""
    word = SLANG.get(word, word)
    if word in NO_LEMMA or word in NEGATION or not word.isalpha():
        return word
    for _ in range(2):  # lemmas are not always final: "breathings" -> "breathing" -> "breathe"
        lemma = lemma_table().get(word)
        if not isinstance(lemma, str) or lemma == word or lemma in NO_LEMMA:
            break
        word = lemma
    return word


@lru_cache(maxsize=1)
def known_words() -> FrozenSet[str]:
    """Common English words (spaCy's unigram probabilities above a cut-off)."""
    path = Path(spacy_lookups_data.__file__).parent / "data" / "en_lexeme_prob.json.gz"
    with gzip.open(path, "rt", encoding="utf8") as handle:
        probs = json.load(handle)
    return frozenset(w for w, p in probs.items() if p > -16.2 and w.isalpha() and w.islower())


def _damerau_within_one(a: str, b: str) -> bool:
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diffs = [i for i in range(la) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]]
        )
    if la > lb:
        a, b = b, a
    i = j = 0
    skipped = False
    while i < len(a) and j < len(b):
        if a[i] != b[j]:
            if skipped:
                return False
            skipped = True
            j += 1
            continue
        i += 1
        j += 1
    return True


def _levenshtein(a: str, b: str, limit: int) -> int:
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


class Speller:
    """Corrects an unknown word to the nearest word the patterns use."""

    def __init__(self, vocabulary: Iterable[str]) -> None:
        self.vocabulary: Set[str] = {w for w in vocabulary if w.isalpha() and len(w) >= 4}
        self.by_length: Dict[int, Set[str]] = {}
        self._cache: Dict[str, Optional[str]] = {}
        for word in self.vocabulary:
            self.by_length.setdefault(len(word), set()).add(word)

    def correct(self, word: str) -> Optional[str]:
        """The nearest pattern word to an unknown word, or None (results are cached)."""
        if word not in self._cache:
            if len(self._cache) > 50000:
                self._cache.clear()
            self._cache[word] = self._correct(word)
        return self._cache[word]

    def _correct(self, word: str) -> Optional[str]:
        if len(word) < 4 or not word.isalpha() or word in self.vocabulary or word in known_words():
            return None
        candidates = []
        for length in (len(word) - 1, len(word), len(word) + 1):
            for candidate in self.by_length.get(length, ()):
                if candidate[0] == word[0] and _damerau_within_one(word, candidate):
                    candidates.append(candidate)
        if not candidates and len(word) >= 8:
            for length in range(len(word) - 2, len(word) + 3):
                for candidate in self.by_length.get(length, ()):
                    if candidate[0] == word[0] and _levenshtein(word, candidate, 2) <= 2:
                        candidates.append(candidate)
        if not candidates:
            return None
        return sorted(candidates, key=lambda c: (abs(len(c) - len(word)), c))[0]
