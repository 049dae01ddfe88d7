"""Find red-flag and amber signs in a message with spaCy's Matcher.

Patterns come from the guidance file (see its header for the syntax). A match
counts unless it is explicitly negated in its clause, sits in a hypothetical
or general question, or (for resolvable patterns) the parent says it settled.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Dict, FrozenSet, List, Optional, Sequence, Set, Tuple

from spacy.matcher import Matcher
from spacy.tokens import Doc

from bot.guidance import Guidance, load_guidance
from bot.safety.lexicon import (
    CLAUSE_BREAK_WORDS,
    GAP_BLOCK,
    NEGATION,
    NEGATION_VERBAL,
    PUNCTUATION,
    SLANG,
    Speller,
    base_norm,
)
from bot.safety.nlp import shared_pipeline
from bot.safety.text import normalise, tokenise

SCOPE_BREAK = (
    CLAUSE_BREAK_WORDS
    | PUNCTUATION
    | frozenset({"and", "so", "then", "while", "whilst", "because", "cos", "coz", "cuz", "bc", "cause", "since", "as"})
)
PSEUDO_NEGATION = frozenset(
    "sure know tell think certain idea clear unsure long big bad proper full major huge massive only".split()
)
RESOLVE_WORDS = frozenset("settle settled settling calmed slowed stopped recovered".split())
RESOLVE_PHRASES = ("back to normal", "normal now", "fine now", "ok now", "okay now", "caught his breath",
                   "caught her breath", "got his breath back", "got her breath back")  # fmt: skip
SETTLED_NOW = re.compile(r"\b(?:now|since)\s+(?:\w+\s+){0,2}(?:fine|ok|okay|normal|settled|calm|better)\b")
EXERTION_WORDS = frozenset(
    "run running ran football play playing played exercise pe sport sports chase chasing trampoline "
    "swimming swim dancing dance race racing bike cycling stairs climbing".split()
)
CONDITIONAL = frozenset({"if", "incase", "whenever", "suppose", "supposing", "hypothetically"})
WHETHER_VERBS = frozenset(
    "know sure see check tell wonder ask unsure certain idea noticed notice sorry apologies apologise".split()
)
QUESTION_START = frozenset(
    "what why how when which where who is are does do can could should would will whats hows wat wot wats".split()
)
WH_WORDS = frozenset("what why how when which where who whats hows wat wot wats".split())
ASKING_WORDS = frozenset(
    "always usually ever normally mean means serious dangerous bad worry genetic hereditary".split()
)
ILLNESS_NAMES = frozenset("sepsis septic septicaemia septicemia meningitis".split())
GENERIC_MARKERS = frozenset("a an you your someone somebody children kids babies people anyone adults".split())
GENERIC_PHRASES = ("look like", "looks like", "mean", "signs of", "sign of", "symptom", "symptoms", "in general",
                   "difference between", "cause", "causes", "run in", "brain damage", "normal for", "how would",
                   "how do you spot", "how do i spot", "how can i tell", "how do you tell", "how do i tell",
                   "what is", "what are", "whats a", "whats an")  # fmt: skip
# "not hard to wake": a pattern that carries its own negation must not match an easy thing.
EASY_WORDS = frozenset("hard difficult tricky impossible".split())
PRESSURE_COLOURS = frozenset("white pale paler whiter lighter".split())
BLANCHING_WORDS = frozenset("fade fades faded fading disappear disappears disappeared blanch blanches blanched".split())
# "if my daughter goes floppy, what should I do": a change that has not happened (yet)
CHANGE_VERBS = frozenset("gets goes starts turns becomes develops got went started turned became developed".split())
HOW_TO_CHECK = re.compile(
    r"\bhow\s+(?:do|would|can|will|should|could|does|do\s+you)\s+(?:i|you|we|one|anyone)\s+(?:\w+\s+)?(?:know|tell|check|spot|see|recognise|recognize|notice)\b"
)
# Words before a question that do not change it ("also what does mottled mean", "oh and is it ...").
QUESTION_LEAD_IN = frozenset(
    "also oh and so ok okay um erm but hi hey quick question q sorry right well then wait hang on".split()
)
# "what temp would be worrying for him": a question about a threshold, not a report
WOULD_QUESTION = re.compile(r"^\s*(?:what|which|when|how|at\s+what)\b.*\bwould\s+(?:be|count|make|mean)\b")
PRESENT_NOW = re.compile(r"\b(?:like\s+this|right\s+now|at\s+the\s+moment|now|currently|at\s+the\s+minute)\b")
# A child who wakes easily or perks up is not "very sleepy" (NICE NG143 green: stays awake or wakes quickly).
WAKES_EASILY = re.compile(
    r"\b(?:perk|perks|perked|perking)\s+(?:right\s+|straight\s+|back\s+)?up\b|\bwakes?\s+(?:up\s+)?(?:easily|quickly|straight\s+away|fine|no\s+problem)\b"
    r"|\b(?:easy|easily)\s+to\s+(?:wake|rouse)\b|\bwoke\s+(?:up\s+)?(?:easily|quickly|straight\s+away|fine)\b"
)
SPECIFIC_MARKERS = frozenset("my our mine he she his her him hes shes they their them".split())
POSSESSIVE = frozenset({"my", "our"})
FUTURE_MARKERS = frozenset(
    {"ever", "again", "future", "never", "someday", "hypothetically", "imagine", "would", "theory", "might"}
)
REMOTE_PAST = ("last year", "years ago", "year ago", "as a baby", "when he was a baby", "when she was a baby",
               "when he was little", "when she was little", "when they were little", "last summer", "as a kid",
               "as a child", "as a toddler", "when i was little", "when i was a kid", "as kids")  # fmt: skip
CURIOUS = ("just curious", "for the future", "no one is ill", "nobody is ill", "noone is ill", "no one is sick",
           "nobody is sick", "just wondering", "hypothetically", "in case it happens", "just so i know",
           "just so i know what", "for future reference")  # fmt: skip
DOWNGRADE_SPAN = 3


SCAN_CACHE_SIZE = 512


@dataclass(frozen=True)
class Match:
    sign: str
    group: str
    start: int
    end: int
    text: str


@dataclass
class SignScan:
    """What the matcher found in one message."""

    present: Dict[str, Match] = field(default_factory=dict)
    negated: Dict[str, Match] = field(default_factory=dict)
    hypothetical: Dict[str, Match] = field(default_factory=dict)
    resolved: Dict[str, Match] = field(default_factory=dict)
    norms: List[str] = field(default_factory=list)
    words: List[str] = field(default_factory=list)
    hypothetical_sentences: Set[int] = field(default_factory=set)
    hypothetical_tokens: Set[int] = field(default_factory=set)
    # Matches in a sentence plainly about a thing or an animal, not a person.
    other_subject: Dict[str, Match] = field(default_factory=dict)
    # Matches read and set aside: a harmless cause said ("blue from the sweets") or an illness
    # word ("a cold", "hot and cold"). The learned detector must not re-raise these.
    explained: Dict[str, Match] = field(default_factory=dict)

    def copy(self) -> SignScan:
        """A copy whose dicts, lists and sets are its own (the matches are immutable)."""
        return SignScan(
            dict(self.present), dict(self.negated), dict(self.hypothetical), dict(self.resolved),
            list(self.norms), list(self.words), set(self.hypothetical_sentences), set(self.hypothetical_tokens),
            dict(self.other_subject), dict(self.explained),
        )  # fmt: skip


def _pattern_groups(sign: Dict[str, Any]) -> List[Tuple[str, List[str], Dict[str, Any]]]:
    groups: List[Tuple[str, List[str], Dict[str, Any]]] = []
    if sign.get("patterns"):
        groups.append(("main", sign["patterns"], {}))
    if sign.get("resolvable_patterns"):
        groups.append(("resolvable", sign["resolvable_patterns"], {"resolvable": True}))
    for index, block in enumerate(sign.get("needs_context", [])):
        groups.append((f"context{index}", block["patterns"], block))
    return groups


class SignMatcher:
    """Compiled sign patterns, with the speller built from their vocabulary."""

    def __init__(self, guidance: Guidance) -> None:
        self.guidance = guidance
        self.nlp = shared_pipeline()
        self.matcher = Matcher(self.nlp.vocab)
        self.groups: Dict[str, Dict[str, Any]] = {}
        vocabulary: Set[str] = set()
        for sign_key, sign in guidance.signs.items():
            for group_name, patterns, options in _pattern_groups(sign):
                key = f"{sign_key}|{group_name}"
                self.groups[key] = options
                compiled: List[List[Dict[str, Any]]] = []
                for pattern in patterns:
                    compiled.extend(self._compile(pattern, vocabulary))
                self.matcher.add(key, compiled)
        for word in list(vocabulary):
            vocabulary.add(base_norm(word))
        concepts = guidance.data.get("concepts", {})
        self.not_a_body: FrozenSet[str] = (
            frozenset(self._expand_concepts(["@not_a_body"])) if "not_a_body" in concepts else frozenset()
        )
        self.person_words: FrozenSet[str] = (
            frozenset(self._expand_concepts(["@person"])) if "person" in concepts else frozenset()
        )
        # people, as opposed to body parts (an animal has a neck and lips too)
        self.human_words: FrozenSet[str] = frozenset(self._expand_concepts(["@human"]) if "human" in concepts else [])
        self.speller = Speller(vocabulary)
        self.pattern_words: FrozenSet[str] = frozenset(vocabulary)
        # A turn reads the same message three times (NLU override, SafetyPolicy, reply
        # guard): the scan depends on the text alone, so the last ones are remembered.
        self._scans: OrderedDict[Tuple[str, FrozenSet[str]], SignScan] = OrderedDict()
        self._scans_lock = threading.Lock()

    def _alternatives(self, element: str, vocabulary: Set[str]) -> List[str]:
        values: Set[str] = set()
        for word in self._expand_concepts(element.split("|")):
            if not word:
                continue
            if word == "not":
                values |= NEGATION_VERBAL
                continue
            vocabulary.add(word)
            values.add(base_norm(word))
        return sorted(values)

    def _expand_concepts(self, words: List[str], depth: int = 0) -> List[str]:
        """`@name` stands for every word of concept `name` in the guidance file."""
        concepts = self.guidance.data.get("concepts", {})
        out: List[str] = []
        for word in words:
            if word.startswith("@"):
                if depth > 4 or word[1:] not in concepts:
                    raise KeyError(f"unknown concept {word} in a sign pattern")
                out.extend(self._expand_concepts([str(w) for w in concepts[word[1:]]["words"]], depth + 1))
            else:
                out.append(word)
        return out

    def _compile(self, pattern: str, vocabulary: Set[str]) -> List[List[Dict[str, Any]]]:
        parts: List[Any] = []
        for element in normalise(pattern).split():
            if re.fullmatch(r"~\d+", element):
                parts.append(int(element[1:]))
            elif element.startswith("?"):
                parts.append({"NORM": {"IN": self._alternatives(element[1:], vocabulary)}, "OP": "?"})
            else:
                parts.append({"NORM": {"IN": self._alternatives(element, vocabulary)}})
        # A pattern that carries its own negation ("not ~2 fade") must not reach
        # across a list: "not floppy, drinking" is not "not drinking".
        negative = any(
            isinstance(p, dict) and set(p["NORM"]["IN"]) & (NEGATION | {"hardly", "barely", "refuse", "refuses"})
            for p in parts
        )
        gap_block = sorted(GAP_BLOCK | ({",", "and", "or"} if negative else set()))
        gap_sizes = [range(p + 1) for p in parts if isinstance(p, int)]
        variants: List[List[Dict[str, Any]]] = []
        for sizes in itertools.product(*gap_sizes):
            tokens: List[Dict[str, Any]] = []
            gaps = iter(sizes)
            for part in parts:
                if isinstance(part, int):
                    tokens.extend({"NORM": {"NOT_IN": gap_block}} for _ in range(next(gaps)))
                else:
                    tokens.append(part)
            variants.append(tokens)
        return variants

    # --- analysis -----------------------------------------------------------
    def norm(self, word: str) -> str:
        if "-" in word and word not in self.pattern_words:
            joined = word.replace("-", "")
            word = joined if joined in self.pattern_words else word.split("-")[0]
        if not word.isalpha():
            return word
        if word in NEGATION or word in SLANG:
            return base_norm(word)
        norm = base_norm(word)
        if norm in self.pattern_words or word in self.pattern_words:
            return norm
        corrected = self.speller.correct(word)
        return base_norm(corrected) if corrected else norm

    def _about_something_else(self, words: Sequence[str], norms: Sequence[str], sentences: Sequence[int],
                              start: int, end: int) -> bool:  # fmt: skip
        """The sign's subject is plainly a thing or an animal, not a person's body ("the telly
        screen went blotchy", "the dog is panting"): a thing named just before or inside the
        match, and no person near it. When in doubt: a person."""
        sentence = sentences[start]
        window = [i for i in range(max(0, start - 8), min(len(words), end)) if sentences[i] == sentence]
        near = window
        # a thing named in a simile ("gasping like a fish") is a comparison, not the subject
        things = {
            w for i in window for w in (words[i], norms[i])
            if w in self.not_a_body and not {"like", "as"} & set(words[max(0, i - 3) : i])
        }  # fmt: skip
        present = {words[i] for i in near} | {norms[i] for i in near}
        return bool(things) and not (present & self.human_words)

    def doc(self, text: str) -> Doc:
        normalised = normalise(text)
        words, spaces, _ = tokenise(normalised)
        doc = Doc(self.nlp.vocab, words=words or [" "], spaces=spaces or [False])
        for token in doc:
            token.norm_ = self.norm(token.text)
        return doc

    def scan(self, text: str, context_words: FrozenSet[str] = frozenset()) -> SignScan:
        """Signs in one message. `context_words` are words earlier turns used (a rash, a cut):
        they satisfy a pattern group's `words` condition, so "the spots are still there"
        after a glass test is the non-blanching sign."""
        key = (text, context_words)
        with self._scans_lock:
            found = self._scans.get(key)
            if found is not None:
                self._scans.move_to_end(key)
                return found.copy()
        found = self._scan(text, context_words)
        with self._scans_lock:
            self._scans[key] = found
            while len(self._scans) > SCAN_CACHE_SIZE:
                self._scans.popitem(last=False)
        return found.copy()

    def _scan(self, text: str, context_words: FrozenSet[str] = frozenset()) -> SignScan:
        doc = self.doc(text)
        norms = [t.norm_ for t in doc]
        words = [t.text for t in doc]
        scan = SignScan(norms=norms, words=words)
        sentences = _sentence_ids(words)
        clauses = _clause_ids(words)
        scan.hypothetical_tokens = hypothetical_tokens(words)
        message_words = set(words) | set(norms)
        joined = " ".join(words)
        for match_id, start, end in sorted(self.matcher(doc), key=lambda m: (m[1], -m[2])):
            key = self.nlp.vocab.strings[match_id]
            sign_key, _ = key.split("|")
            options = self.groups[key]
            sign = self.guidance.signs[sign_key]
            if options.get("words") and not (set(options["words"]) & (message_words | context_words)):
                continue
            if options.get("unless_words") and set(options["unless_words"]) & message_words:
                continue
            if any(phrase in joined for phrase in sign.get("unless_phrases", [])):
                continue
            if _excluded_near(
                options.get("exclude_near") or sign.get("exclude_near"), norms, words, start, end, clauses
            ):
                continue
            if set(options.get("exclude_within") or sign.get("exclude_within") or []) & set(words[start:end]):
                continue
            before_words = set(words[max(0, start - 3) : start]) | set(norms[max(0, start - 3) : start])
            if set(options.get("exclude_before") or sign.get("exclude_before") or []) & before_words:
                continue
            if not sign.get("risk_factor") and self._about_something_else(words, norms, sentences, start, end):
                scan.other_subject.setdefault(sign_key, Match(sign_key, key, start, end, doc[start:end].text))
                continue
            match = Match(sign_key, key, start, end, doc[start:end].text)
            downgrade = sign.get("downgrade") if options.get("resolvable") else None
            if downgrade:
                near = set(words[max(0, start - DOWNGRADE_SPAN) : end])
                if near & set(downgrade["words"]) and not near & set(downgrade.get("unless", [])):
                    match = Match(downgrade["to"], key, start, end, match.text)
            if _explained(sign, words, clauses, sentences, start, end):
                scan.explained.setdefault(sign_key, match)
                continue  # "blue tongue from the sweets", "a purple mark where he banged it"
            if _illness_word(sign, words, start, end):
                scan.explained.setdefault(sign_key, match)
                continue  # "a cold", "normal cold stuff": the illness, not feeling cold
            pressure = sign.get("pressure_test_words")
            sentence_words = set(_sentence_text(words, sentences, start).split())
            if (
                pressure
                and set(pressure) & sentence_words
                and (set(words[start:end]) & PRESSURE_COLOURS or sentence_words & BLANCHING_WORDS)
            ):
                continue  # "goes white when I press a glass on it": a test, not the child's colour
            if words[start] in NEGATION_VERBAL | NEGATION and set(words[start:end]) & EASY_WORDS:
                continue  # "not hard to rouse" says the child wakes easily
            if sign_key == "reduced_consciousness" and WAKES_EASILY.search(_sentence_text(words, sentences, start)):
                scan.resolved.setdefault(match.sign, match)
                continue
            if _negated(norms, words, start, end, clauses):
                scan.negated.setdefault(match.sign, match)
                continue
            lasting = sign.get("risk_factor") and sign.get("lasting", False)
            if start in scan.hypothetical_tokens and not (lasting and _remote_past_only(words, start)):
                scan.hypothetical.setdefault(match.sign, match)
                scan.hypothetical_sentences.add(sentences[start])
                continue
            if options.get("resolvable"):
                state = _resolution(words, norms, start, end, sentences)
                if state == "resolved":
                    scan.resolved.setdefault(match.sign, match)
                    continue
                if state == "exertion" and match.sign == sign_key and downgrade:
                    match = Match(downgrade["to"], key, start, end, match.text)
            scan.present.setdefault(match.sign, match)
        return scan


def hypothetical_tokens(words: Sequence[str]) -> Set[int]:
    """Token positions that sit in a hypothetical, general or long-past statement."""
    marked: Set[int] = set()
    sentences = _sentence_ids(words)
    all_text = " " + " ".join(words) + " "
    forced = "hypothetically" in words or "imagine" in words
    for sentence in sorted(set(sentences)):
        indices = [i for i, s in enumerate(sentences) if s == sentence]
        sent_words = [words[i] for i in indices]
        sent_set = set(sent_words)
        text = " " + " ".join(sent_words) + " "
        # long past: the comma clause that says so
        clause_start = indices[0]
        for pos in indices + [indices[-1] + 1]:
            if pos > indices[-1] or words[pos] in {",", ";"}:
                clause = list(range(clause_start, min(pos, indices[-1] + 1)))
                clause_text = " " + " ".join(words[i] for i in clause) + " "
                if any(f" {phrase} " in clause_text for phrase in REMOTE_PAST) or re.search(
                    r" when (?:he|she|they) (?:was|were) (?:\d+|a baby|little|small|younger|tiny) ", clause_text
                ):
                    marked.update(clause)
                clause_start = pos + 1
        # conditional: from "if" to the end of its clause
        has_future = bool(FUTURE_MARKERS & sent_set) or forced or bool(HOW_TO_CHECK.search(text))
        for i in indices:
            is_conditional = words[i] in CONDITIONAL or (
                words[i] == "in" and i + 1 < len(words) and words[i + 1] == "case"
            )
            if not is_conditional:
                continue
            asking_how = bool(HOW_TO_CHECK.search(" " + " ".join(words[indices[0] : i]) + " "))
            if set(words[max(indices[0], i - 2) : i]) & WHETHER_VERBS and not asking_how:
                continue
            end = i
            while end <= indices[-1] and words[end] not in {",", ";"}:
                end += 1
            asks = bool({"should", "what", "how", "worry", "wait", "?", "when", "serious"} & sent_set)
            changes = bool(CHANGE_VERBS & set(words[i:end])) and asks
            if not (POSSESSIVE & set(words[i:end])) or has_future or changes:
                marked.update(range(i, end))
        # general questions about children in general
        lead = 0
        while lead < len(sent_words) - 1 and sent_words[lead] in QUESTION_LEAD_IN | {","}:
            lead += 1
        first = sent_words[lead] if sent_words else ""
        if WOULD_QUESTION.search(" ".join(sent_words[lead:])) and not PRESENT_NOW.search(text):
            marked.update(indices)
        # "is making a grunting noise every breath": a texted statement, not a question, unless it asks
        asks = (
            first in WH_WORDS
            or "?" in sent_set
            or bool(sent_set & ASKING_WORDS)
            or any(f" {p} " in text for p in GENERIC_PHRASES)
            # "can sepsis make adults confused": a question about the illness, asked without a "?"
            or bool(sent_set & ILLNESS_NAMES)
        )
        if first in QUESTION_START and asks and not (SPECIFIC_MARKERS & sent_set):
            if GENERIC_MARKERS & sent_set or any(f" {p} " in text for p in GENERIC_PHRASES):
                marked.update(indices)
        # "what does floppy mean when they say...": a definition question, unless about my/his/her child
        personal = POSSESSIVE | {"he", "she", "hes", "shes", "his", "her", "him"}
        if first in QUESTION_START and any(
            f" {p} " in text for p in ("mean", "look like", "looks like", "counts as", "count as")
        ):
            if not (personal & sent_set):
                marked.update(indices)
        # a definition question in one comma clause ("doing a first aid course, what does a purpuric rash look like",
        # "before i answer your questions - what does mottled look like")
        clause_start = indices[0]
        for pos in indices + [indices[-1] + 1]:
            if pos > indices[-1] or words[pos] in {",", ";", "-", "\u2013", "\u2014", ":"}:
                clause = [i for i in range(clause_start, min(pos, indices[-1] + 1))]
                clause_words = [words[i] for i in clause]
                clause_text = " " + " ".join(clause_words) + " "
                if (
                    clause_words
                    and clause_words[0] in QUESTION_START
                    and any(f" {p} " in clause_text for p in ("look like", "looks like", "mean", "difference between"))
                    and not (personal & set(clause_words))
                ):
                    marked.update(clause)
                clause_start = pos + 1
        if any(f" {phrase} " in all_text for phrase in CURIOUS) and not (POSSESSIVE & sent_set):
            marked.update(indices)
        if forced:
            marked.update(indices)
    return marked


def _explained(sign: Dict[str, Any], words: Sequence[str], clauses: Sequence[int], sentences: Sequence[int],
               start: int, end: int) -> bool:  # fmt: skip
    """A harmless cause for what was seen ("blue tongue from the sweets", "lips looked purple
    but we just had beetroot"): in the sign's clause, or later in its sentence; not denied
    ("hasnt banged it") and not a simile ("like someone flicked red ink")."""
    causes = sign.get("explained_by")
    if not causes or clauses[start] < 0:
        return False
    for i, word in enumerate(words):
        same_clause = clauses[i] == clauses[start]
        later = i >= end and sentences[i] == sentences[start]
        if not (same_clause or later) or word not in causes:
            continue
        before = set(words[max(0, i - 4) : i])
        if not before & NEGATION and not before & {"like", "if", "though"}:
            return True
    return False


def _illness_word(sign: Dict[str, Any], words: Sequence[str], start: int, end: int) -> bool:
    """A word that names an illness here ("a cold", "normal cold stuff"), per `not_after`."""
    rules = sign.get("not_after") or {}
    for i in range(start, end):
        blocked = rules.get(words[i])
        if blocked and i > 0 and words[i - 1] in blocked:
            return True
        # "hot and cold", "hot n cold": feverish shivers, not a body cold to the touch
        if (
            blocked
            and i > 1
            and words[i - 1] in {"and", "n", "&", "then", "+"}
            and words[i - 2] in {"hot", "boiling", "burning"}
            and "touch" not in words[i + 1 : i + 4]
        ):
            return True
    return False


def _remote_past_only(words: Sequence[str], start: int) -> bool:
    """A risk factor told in the past ("had my spleen out years ago") still holds now."""
    before = words[max(0, start - 12) : start]
    if set(before) & (CONDITIONAL | FUTURE_MARKERS):
        return False
    # a question only when its sentence opens with a question word ("my son is 10 and has
    # lived without a spleen since ... as a toddler" is a statement)
    opening = start
    while opening > 0 and words[opening - 1] not in {".", "!", "?", "\n", ":"}:
        opening -= 1
    return words[opening] not in QUESTION_START if opening < start else True


def _sentence_text(words: Sequence[str], sentences: Sequence[int], index: int) -> str:
    return " ".join(w for w, s in zip(words, sentences, strict=True) if s == sentences[index])


def _simile_exertion(words: Sequence[str], sentences: Sequence[int], sentence: int) -> bool:
    """ "breathing like he's run a marathon" is a simile, not exercise."""
    indices = [i for i, s in enumerate(sentences) if s == sentence]
    for i in indices:
        if words[i] in EXERTION_WORDS and "like" in words[max(0, i - 4) : i]:
            return True
    return False


def _sentence_ids(words: Sequence[str]) -> List[int]:
    ids, current = [], 0
    for word in words:
        ids.append(current)
        if word in {".", "!", "?", "\n", ":"}:
            current += 1
    return ids


def _clause_ids(words: Sequence[str]) -> List[int]:
    ids, current = [], 0
    for word in words:
        if word in SCOPE_BREAK:
            current += 1
            ids.append(-1)
            continue
        ids.append(current)
    return ids


def _negated(norms: Sequence[str], words: Sequence[str], start: int, end: int, clauses: Sequence[int]) -> bool:
    """A negation cue before the match, in its clause, that is not pseudo-negation."""
    clause = clauses[start]
    if clause < 0:
        return False
    for i in range(start - 1, max(-1, start - 7), -1):
        if clauses[i] != clause:
            break
        if words[i] in NEGATION or norms[i] in NEGATION:
            following = set(words[i + 1 : min(i + 4, end)])
            if following & PSEUDO_NEGATION:
                return False
            if words[i] == "no" and i + 1 < len(words) and words[i + 1] in ("longer",):
                return True
            return True
    return False


def _excluded_near(exclude: Optional[Sequence[str]], norms: Sequence[str], words: Sequence[str],
                   start: int, end: int, clauses: Sequence[int]) -> bool:  # fmt: skip
    if not exclude:
        return False
    blocked = set(exclude)
    window = list(range(end, min(len(words), end + 3))) + list(range(max(0, start - 3), start))
    return any(words[i] in blocked or norms[i] in blocked for i in window)


def _resolution(words: Sequence[str], norms: Sequence[str], start: int, end: int, sentences: Sequence[int]) -> str:
    sentence = sentences[start]
    indices = [i for i, s in enumerate(sentences) if s >= sentence]
    tail = [i for i in indices if i >= end]
    text = " " + " ".join(words[i] for i in tail) + " "
    for i in tail:
        if norms[i] in RESOLVE_WORDS or words[i] in RESOLVE_WORDS:
            before = words[max(0, i - 5) : i]
            if not (set(before) & NEGATION):
                return "resolved"
    if any(f" {phrase} " in text for phrase in RESOLVE_PHRASES) or SETTLED_NOW.search(text):
        return "resolved"
    sentence_words = {words[i] for i, s in enumerate(sentences) if s == sentence} | {
        norms[i] for i, s in enumerate(sentences) if s == sentence
    }
    if sentence_words & EXERTION_WORDS and not _simile_exertion(words, sentences, sentence):
        return "exertion"
    return "present"


@lru_cache(maxsize=2)
def sign_matcher(digest: Optional[str] = None) -> SignMatcher:
    return SignMatcher(load_guidance())
