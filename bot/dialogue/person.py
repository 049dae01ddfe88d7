"""Who the conversation is about: a child, the adult typing, another adult, or a child in a
professional's care. The wording (your child / you / them), the questions and the 111
advice follow it."""

from __future__ import annotations

import re
from typing import Optional

CHILD = "child"
SELF = "self"  # an adult asking about themselves
OTHER = "other"  # another adult, or a child in a professional's care
ABOUT_VALUES = (CHILD, SELF, OTHER)
ADULT_MONTHS = 16 * 12

_CHILD_WORDS = re.compile(
    r"\b(?:baby|babies|babe|bub|bubba|son|sons|daughter|daughters|child|childs|children|kid|kids|kiddo|boy|girl|toddler|lo|"
    r"little\s+one|little\s+(?:boy|girl|man|lad|lass|brother|sister|un)|grandson|granddaughter|grandchild|grandkid|nephew|niece|"
    r"twins?|infant|newborn|new\s+born|lad|lass|wee\s+one|bairn|bairns|nipper|tot|sprog|youngest|eldest|stepson|stepdaughter|"
    r"\d+\s*(?:yo|y/o|yr|yrs|year|years|month|months|mth|mths|mo|week|weeks|wk|wks|day|days)\s*old|\d+/(?:52|12|7))\b"
)
_PROFESSIONAL = re.compile(
    r"\b(?:i\s*(?:am|m)|im|i\s+work\s+as)\s+(?:a|an|the)\s+(?:practice\s+|school\s+|nursery\s+|community\s+|student\s+)?"
    r"(?:nurse|childminder|child\s*minder|gp|doctor|paramedic|hca|health\s+visitor|midwife|teacher|nanny|carer|care\s+worker|"
    r"teaching\s+assistant|nursery\s+(?:nurse|worker|manager|practitioner)|pharmacist|receptionist|first\s+aider|au\s+pair|babysitter)\b|"
    r"\b(?:in\s+my\s+care|i\s+look\s+after|one\s+of\s+(?:my|our)\s+(?:patients|children|kids|mindees)|mindee|at\s+(?:my|our)\s+(?:nursery|setting|surgery|practice))\b"
)
_SELF = re.compile(
    r"\b(?:i|im|ive|i\s+am|i\s+have|i\s+feel|i\s+got|i\s+had|i\s+was|i\s+think\s+i)\s+(?:\w+\s+){0,3}?"
    r"(?:fever|temperature|temp|hot|shiver\w*|shak\w+|unwell|ill|poorly|sick|confused|breathless|dizzy|rash|chemo\w*|"
    r"surgery|operation|op|pregnant|cold|cough|flu|covid|chesty|infection|wound|stitches|c.?section|gave\s+birth|given\s+birth|baby\s+(?:last|two|\d)|miscarri\w+|"
    r"dying|awful|terrible|rough|rubbish|achy|aching|freezing|boiling|burning)\b|"
    r"\bmy\s+(?:temp|temperature|wound|stitches|scar|chest|breathing|heart|skin|lips|leg|arm|cut|cancer|chemo|surgery|operation)\b|"
    r"\b(?:me|myself)\b.*\b(?:fever|temperature|unwell|ill|poorly)\b|"
    r"\bmy\s+(?:\w+\s+){0,3}(?:chemo\w*|cancer|treatment|surgery|operation|op|stitches|wound|oncology)\b|"
    r"\b(?:otherwise|but|and)\s+(?:i\s+)?(?:feel|feeling)\s+(?:ok|okay|fine|rubbish|awful|rough|terrible)\b"
)
_ILLNESS = re.compile(
    r"\b(?:fever|temp|temperature|hot|unwell|ill|poorly|sick|confused|confusion|breath\w*|rash|infection|shiver\w*|shak\w+|"
    r"chemo\w*|surgery|operation|cough\w*|chesty|cold|flu|covid|sense|drowsy|sleepy|collapsed|fell|fall|pain|vomit\w*|dementia)\b"
)
_POSTNATAL = re.compile(
    r"\b(?:i\s+(?:have|had|gave\s+birth\s+to)\s+(?:my|the|a|our)\s+(?:baby|son|daughter|girl|boy)\s+(?:\d+|a|one|two|three|four|five|six|last|on)\b.*\bago\b|"
    r"\b(?:gave|given)\s+birth|c.?section|postnatal|post.?partum|\d+\s*(?:wks?|weeks?|days?)\s+pp\b|i\s*(?:am|m)\s+(?:\d+\s+weeks\s+)?pregnant|"
    r"miscarr\w+|lost\s+(?:the|my|our)\s+baby|it\s+is\s+me\b|its\s+me\b)"
)
_ADULT_AGE_SELF = re.compile(r"\b(?:i\s*am|im|i\s+m)\s+(1[6-9]|[2-9]\d|10\d)\b(?!\s*(?:weeks?|wks?|months?|days?))")
_OTHER_ADULT = re.compile(
    r"\bmy\s+(?:husband|hubby|wife|partner|mum|mam|mom|mother|dad|da|father|nan|nana|gran|granny|grandma|grandad|grandpa|"
    r"grandfather|grandmother|flatmate|friend|boyfriend|girlfriend|fella|fiance|fiancee|neighbour|aunt|auntie|uncle|"
    r"father.in.law|mother.in.law|elderly\s+\w+)s?\b"
)


def _norm(text: str) -> str:
    return text.lower().replace("\u2019", "'").replace("'", "")


def read_about(text: str, age_months: Optional[float] = None, previous: Optional[str] = None) -> Optional[str]:
    """Who this message says the conversation is about (None: it does not say)."""
    t = _norm(text)
    if _PROFESSIONAL.search(t):
        return OTHER
    if _POSTNATAL.search(t) and _SELF.search(t):
        return SELF  # a mother about herself, her new baby mentioned
    if _CHILD_WORDS.search(t):
        if age_months is not None and age_months >= ADULT_MONTHS and _OTHER_ADULT.search(t):
            return OTHER
        return CHILD
    if _OTHER_ADULT.search(t) and _ILLNESS.search(t):
        return OTHER  # another adult is the one who is ill ("my dad's 79 ... chesty cough")
    if _SELF.search(t) or _ADULT_AGE_SELF.search(t):
        return SELF
    return None


def about_now(text: str, age_months: Optional[float], previous: Optional[str]) -> str:
    """The conversation's subject after this message: the latest one named (a child in a
    professional's or another adult's care stays "other"), a child when none was named."""
    said = read_about(text, age_months, previous)
    about = previous or CHILD
    # an adult subject stays unless the message says a child is the one who is ill
    # ("my son's going to take me" is not about the son)
    to_child_ok = previous in (None, CHILD) or bool(_ILLNESS.search(_norm(text)))
    if said is not None and not (previous == OTHER and said == CHILD) and (said != CHILD or to_child_ok):
        about = said
    if about == CHILD and age_months is not None and age_months >= ADULT_MONTHS:
        about = OTHER
    return about


def suffix(about: Optional[str]) -> str:
    """The guidance key suffix for the person's wording ('' is the child wording)."""
    return {SELF: ".self", OTHER: ".other"}.get(about or CHILD, "")
