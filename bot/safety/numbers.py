"""Read ages, temperatures, fever duration and hours without a wee from text.

All readers take the normalised text (bot.safety.text.normalise) and return
plain numbers: age in months, temperature in Celsius, durations in days/hours.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import List, Optional

WORD_NUMBERS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "a": 1, "an": 1, "couple": 2, "few": 3,
}  # fmt: skip
_NUM_WORD = "|".join(sorted((w for w in WORD_NUMBERS if w not in ("a", "an", "couple", "few")), key=len, reverse=True))
# digits may run into a unit ("6wks"); a word number must end at a word boundary ("am" is not "a m")
NUM = rf"(?:\d+(?:[.,]\d+)?|(?:{_NUM_WORD}|a|an)\b)"
HALF = r"(?:\s*(?:and\s+(?:a\s+)?half|and\s+1/2|½))?"
UNIT_DAY = r"(?:days?|dys?)"
UNIT_WEEK = r"(?:weeks?|wks?|wk|w)"
UNIT_MONTH = r"(?:months?|mnths?|mths?|mth|mos?|mo|m)"
UNIT_YEAR = r"(?:years?|yrs?|yr|y/o|yo|y)"
UNIT = rf"(?:{UNIT_DAY}|{UNIT_WEEK}|{UNIT_MONTH}|{UNIT_YEAR})"
# Words that make "N weeks" a duration, a limit or a gestation, not an age.
NOT_AGE_BEFORE = {
    "for", "since", "last", "past", "every", "within", "in", "under", "over", "below",
    "above", "than", "less", "more", "least", "from", "until", "til", "till", "after",
    "before", "at", "by", "around", "about", "nearly", "almost", "next", "first",
    "couple", "few", "another", "fever", "temperature", "temp", "of", "ago",
}  # fmt: skip
NOT_AGE_AFTER = {"ago", "now", "jabs", "postpartum", "postnatal", "post", "pregnant", "after", "pp", "jab", "vaccines", "vaccinations", "injections", "check",
                 "checks", "review", "gestation", "early", "premature", "prem",
                 "of", "later", "before", "since", "running", "straight", "already"}  # fmt: skip
SUBJECT_NOUNS = (
    r"baby|babies|son|daughter|boy|girl|child|kid|toddler|brother|sister|grandson|granddaughter|"
    r"nephew|niece|lo|ds|dd|he|she|hes|shes|bub|bubba|twins|one|daughters|sons|little one|newborn"
)
FIRST_PERSON = re.compile(r"\b(?:im|i\s+am|iam)\s*$")
_RELATIVE = r"(?:cousin|cousins|friend|friends|mate|mates|classmate|neighbours?|sister|sisters|brother|brothers|sibling|siblings)"
OTHER_CHILD_BEFORE = re.compile(
    rf"\b(?:his|her|their)\s+(?:big\s+|little\s+|older\s+|younger\s+|baby\s+|best\s+)?{_RELATIVE}(?:\s+is|\s+s)?\s*$",
    re.I,
)
OTHER_CHILD_AFTER = re.compile(rf"^\s*(?:-?\s*olds?\s+)?{_RELATIVE}\b", re.I)


@dataclass(frozen=True)
class AgeReading:
    months: float
    strong: bool
    text: str


def word_or_number(token: str) -> Optional[float]:
    token = token.strip().replace(",", ".")
    if token in WORD_NUMBERS:
        return float(WORD_NUMBERS[token])
    try:
        return float(token)
    except ValueError:
        return None


def to_months(value: float, unit: str) -> Optional[float]:
    unit = unit.strip().lower()
    if re.fullmatch(UNIT_DAY, unit):
        return value / 30.44
    if re.fullmatch(UNIT_WEEK, unit):
        return value * 7 / 30.44
    if re.fullmatch(UNIT_MONTH, unit):
        return value
    if re.fullmatch(UNIT_YEAR, unit):
        return value * 12
    return None


def _half(text: str) -> float:
    return 0.5 if text and re.search(r"half|1/2|½", text) else 0.0


def _word_before(text: str, start: int) -> str:
    match = re.search(r"([a-z&]+)\W*$", text[:start])
    return match.group(1) if match else ""


def _word_after(text: str, end: int) -> str:
    match = re.match(r"\W*([a-z&]+)", text[end:])
    return match.group(1) if match else ""


def _negated(text: str, start: int) -> bool:
    return bool(re.search(r"\b(?:not|no|isnt|wasnt|arent)\s+(?:a\s+)?$", text[:start]))


AGE_WITH_OLD = re.compile(rf"\b({NUM}){HALF}\s*-?\s*({UNIT})s?\s*-?\s*olds?\b")
AGE_YO = re.compile(rf"\b(\d+(?:[.,]\d+)?){HALF}\s*(yo|y/o|yrs?|yr|mos?|mo|mths?|mth|wks?|wk)\b")
AGE_SUBJECT_IS = re.compile(
    rf"\b(?:hes|shes|he\s+is|she\s+is|is|was|aged|age|turned|turns|just)\s+(?:only\s+|just\s+|nearly\s+|almost\s+)?"
    rf"({NUM}){HALF}(?:\s*({UNIT})s?)?(?:\s*old)?\b"
    # "she's 6.5kg" is a weight, not an age
    r"(?![.,]\d)(?!\s*(?:kg|kgs|kilo|kilos|kilograms?|lb|lbs|pounds|stone|st|oz|ml|grams?|g)\b)"
)
AGE_PAREN = re.compile(rf"\(\s*(?:age[d]?\s*)?(\d+(?:[.,]\d+)?){HALF}\s*(?:({UNIT})s?)?\s*(?:old)?\s*\)")
AGE_NOUN = re.compile(rf"\b(?:{SUBJECT_NOUNS})\s+(?:is\s+|of\s+|aged\s+)?({NUM}){HALF}\s*({UNIT})s?\b")
AGE_HAVE = re.compile(rf"\b(?:have|has)\s+(\d+){HALF}\s*(years?|months?|weeks?|yrs?)\b")
AGE_BORN = re.compile(rf"\bborn\s+({NUM}){HALF}\s*({UNIT_DAY}|{UNIT_WEEK}|{UNIT_MONTH})s?\s+ago\b")
AGE_BARE_UNIT = re.compile(rf"\b({NUM}){HALF}\s*({UNIT_WEEK}|{UNIT_MONTH}|{UNIT_DAY}|{UNIT_YEAR})s?\b")
NEWBORN = re.compile(r"\bnew\s*-?\s*born\b")
# "born on the 3rd (of this month)": days old, counted from today
AGE_BORN_ON = re.compile(
    r"\bborn\s+(?:on\s+)?(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)\b(?!\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|last))"
)
AGE_COMPOUND = re.compile(
    r"\b(\d{1,2})\s*(?:years?|yrs?|yr|y)\s*(?:and\s+|,\s*|&\s*)?(\d{1,2})\s*(?:months?|mnths?|mths?|mos?|mo|m)\b"
)
# Clinical shorthand: 4/52 (weeks), 10/7 (days), 3/12 (months); not a date (10/12/2026).
AGE_SHORTHAND = re.compile(r"(?<![\d/])(\d{1,2}(?:[.,]5)?)\s*/\s*(52|12|7)(?![\d/])")
SHORTHAND_UNITS = {"52": "weeks", "12": "months", "7": "days"}
SHORTHAND_LIMITS = {"weeks": 52, "months": 12, "days": 28}
SHORTHAND_NOT_AGE_BEFORE = {"post", "after", "since", "for", "fever", "temp", "temperature", "pyrexia", "cough", "rash",
                            "vomiting", "diarrhoea", "symptoms", "unwell", "poorly", "ill", "hx", "x", "sick", "pyrexial",
                            "febrile", "op", "surgery", "last", "past", "over"}  # fmt: skip
SHORTHAND_NOT_AGE_AFTER = {"ago", "post", "after", "since", "of", "hx", "history", "postpartum", "postnatal", "pp"}
FEVER_SHORTHAND = re.compile(
    r"\b(?:fever|temp|temperature|pyrexia|pyrexial|febrile|temps|unwell|poorly|symptoms)\s+(?:for\s+|x\s*)?(\d{1,2})\s*/\s*(7|52)(?![\d/])"
)
BARE_NUMBER = re.compile(
    r"^\W*(?:about|around|nearly|hes|shes|he\s+is|she\s+is)?\s*(\d{1,2}(?:[.,]5)?|" + _NUM_WORD + r")" + HALF + r"\W*$"
)


def read_ages(text: str, awaiting: Optional[str] = None) -> List[AgeReading]:
    """Every age the text gives, strongest readings first."""
    readings: List[AgeReading] = []

    for match in AGE_COMPOUND.finditer(text):
        years, months = float(match.group(1)), float(match.group(2))
        if years < 19 and months < 12:
            readings.append(AgeReading(months=years * 12 + months, strong=True, text=match.group(0)))
            text = text[: match.start()] + " " * len(match.group(0)) + text[match.end() :]

    def add(match: re.Match, value_group: int, unit: Optional[str], strong: bool, default_unit: str = "y") -> None:
        start = match.start()
        before = _word_before(text, start)
        if FIRST_PERSON.search(text[: start + (match.group(0).find(match.group(value_group)) if value_group else 0)]):
            return
        # "her 3 year old cousin is coming round", "his big sister's 7": another child's age
        if OTHER_CHILD_BEFORE.search(text[:start]) or (
            OTHER_CHILD_AFTER.match(text[match.end() :]) and re.search(r"\b(?:his|her|their)\s*$", text[:start], re.I)
        ):
            return
        if before in NOT_AGE_BEFORE and not strong:
            return
        if before in {
            "under",
            "over",
            "below",
            "above",
            "than",
            "from",
            "at",
            "since",
            "for",
            "ago",
            "past",
            "last",
            "within",
        }:
            return
        if _negated(text, start):
            return
        if (
            unit
            and re.fullmatch(rf"{UNIT_WEEK}s?", unit)
            and re.search(rf"\b(?:{ADULT_NOUNS}|wifes|partners)(?:\s+(?:is|s|now|nearly|almost))*\s*$", text[:start])
        ):
            return  # "partner is 35 weeks": a pregnancy, not an age
        after = _word_after(text, match.end())
        if after in NOT_AGE_AFTER and not (strong and after == "now"):
            return
        value = word_or_number(match.group(value_group))
        if value is None:
            return
        value += _half(match.group(0))
        months = to_months(value, unit or default_unit)
        if months is None or months > 12 * 110:
            return
        readings.append(AgeReading(months=months, strong=strong, text=match.group(0)))

    for match in AGE_WITH_OLD.finditer(text):
        add(match, 1, match.group(2), True)
    for match in AGE_YO.finditer(text):
        if not AGE_WITH_OLD.search(text, match.start(), match.end() + 5):
            add(match, 1, match.group(2), True)
    for match in AGE_BORN.finditer(text):
        add(match, 1, match.group(2), True)
    for match in AGE_PAREN.finditer(text):
        value = word_or_number(match.group(1))
        if value is not None and (match.group(2) or value < 19):
            add(match, 1, match.group(2), True)
    for match in AGE_NOUN.finditer(text):
        add(match, 1, match.group(2), True)
    for match in AGE_HAVE.finditer(text):
        add(match, 1, match.group(2), True)
    for match in AGE_SUBJECT_IS.finditer(text):
        value = word_or_number(match.group(1))
        unit = match.group(2)
        if value is None:
            continue
        if "." in match.group(1) or "," in match.group(1):
            continue  # "is 38.2" is a temperature
        if not unit and (34 <= value <= 43.5 or 95 <= value <= 108 or match.group(1) in ("a", "an")):
            continue  # "hes 39" could be a temperature; "is a" is not an age
        if not unit and not re.search(r"\b(?:hes|shes|he\s+is|she\s+is|aged|age|turned|turns)\b", match.group(0)):
            # "is 2" needs a child as subject just before it
            if not re.search(rf"\b(?:{SUBJECT_NOUNS}|[a-z]+)\s+$", text[: match.start()]):
                continue
            if re.search(
                r"\b(?:temp|temperature|it|reading|thermometer|that|this|there|time|which|what)\s*$",
                text[: match.start()],
            ):
                continue
        add(match, 1, unit, True)
    for match in NEWBORN.finditer(text):
        readings.append(AgeReading(months=0.25, strong=False, text=match.group(0)))
    for match in AGE_BORN_ON.finditer(text):
        day = int(match.group(1))
        today = dt.date.today()
        days = today.day - day if day <= today.day else today.day + (30 - day)
        if 0 <= days < 31:
            readings.append(AgeReading(months=max(days, 0.5) / 30.44, strong=True, text=match.group(0)))
    for match in AGE_SHORTHAND.finditer(text):
        if (
            _word_before(text, match.start()) in SHORTHAND_NOT_AGE_BEFORE
            or _word_after(text, match.end()) in SHORTHAND_NOT_AGE_AFTER
        ):
            continue  # "fever 7/7" is a duration, "3/52 post op" a time since surgery
        value = word_or_number(match.group(1))
        unit = SHORTHAND_UNITS[match.group(2)]
        if value is not None and 0 < value < SHORTHAND_LIMITS[unit]:
            months = to_months(value, unit)
            if months is not None:
                readings.append(AgeReading(months=months, strong=True, text=match.group(0)))
    if not any(r.strong for r in readings):
        for match in AGE_BARE_UNIT.finditer(text):
            if re.search(rf"{UNIT_DAY}s?$", match.group(0)) and not awaiting == "age":
                continue  # "3 days" is nearly always a duration
            add(match, 1, match.group(2), False)
    if awaiting == "age" and not readings:
        bare = BARE_NUMBER.match(text)
        if bare:
            value = word_or_number(bare.group(1))
            if value is not None and value <= 18:
                value += _half(bare.group(0))
                readings.append(AgeReading(months=value * 12, strong=False, text=bare.group(0)))
    readings.sort(key=lambda r: (not r.strong, r.months))
    return readings


ADULT_AGE = re.compile(
    r"\b(?:husband|wife|partner|boyfriend|girlfriend|mum|mom|mother|dad|father|nan|nanna|nana|gran|granny|grandma|"
    r"grandad|granddad|grandpa|grandmother|grandfather|auntie|aunt|uncle|hubby|flatmate|friend|neighbour|resident|"
    r"patient|lady|man|woman|gentleman)s?\s+(?:is\s+|aged\s+|who\s+is\s+|whos\s+|of\s+)?\(?\s*(\d{2,3})\s*\)?(?!\s*(?:weeks?|wks?|days?|months?|%|c\b|f\b|degrees?|breaths?|bpm|\.\d|,\d))"
)
SELF_AGE = re.compile(
    r"\b(?:im|i\s+am|iam|me|myself)\s*,?\s*(?:aged\s+)?\(?(\d{2})\)?(?!\s*(?:weeks?|wks?|days?|months?|%|\.\d|,\d))\b"
)


def read_adult_age_years(text: str) -> Optional[float]:
    """An adult's age ("my dad is 82", "nan (95)", "im 34"), in years, when the text gives one."""
    ages = []
    for pattern in (ADULT_AGE, SELF_AGE):
        for match in pattern.finditer(text):
            value = float(match.group(1))
            if 16 <= value <= 110 and not (
                34 <= value <= 43.5
                and pattern is ADULT_AGE
                and "(" not in match.group(0)
                and not re.search(r"\bis\s", match.group(0))
            ):
                ages.append(value)
    return max(ages) if ages else None


PREGNANT_WEEKS = re.compile(
    r"\b(?:im|i\s+am|she\s+is|shes|wife\s+is|wifes|partner\s+is|partners|girlfriend\s+is|daughter\s+is)\s+(\d{1,2})\s*(?:weeks?|wks?)\b(?!\s*old)"
)


# "im 33 weeks with my second", "33 weeks pregnant": a parent cannot be a baby of 33 weeks
PREGNANT_SELF = re.compile(
    r"\b(?:im|i\s+am|iam)\s+(?:now\s+|nearly\s+|almost\s+|just\s+|about\s+)?(\d{1,2})\s*(?:\+\s*\d\s*)?(?:weeks?|wks?)\b(?!\s*(?:old|ago|post|postpartum|pp))"
    r"|\b(\d{1,2})\s*(?:weeks?|wks?)\s+(?:pregnant|gone|along|with\s+(?:my|our|her|baby|twins|number))"
    r"|\b(?:wife|partner|girlfriend|fiancee|missus|mrs)\s+(?:is|s)\s+(?:now\s+|nearly\s+|almost\s+)?(\d{1,2})\s*(?:weeks?|wks?)\b(?!\s*(?:old|ago|post|postpartum|pp))"
)


def read_age_months(text: str, awaiting: Optional[str] = None) -> Optional[float]:
    """The youngest age the text gives (the cautious choice), in months."""
    readings = read_ages(text, awaiting)
    if not readings:
        return None
    strong = [r for r in readings if r.strong]
    pool = strong or readings
    return min(r.months for r in pool)


# --- temperatures -------------------------------------------------------------
TEMP_NUMBER = re.compile(
    r"(?<![\d.,])(\d{2,3}(?:[.,]\d{1,2})?)(?![\d])\s*(celsius|centigrade|fahrenheit|degrees?|deg|c|f)?\b(?:\s*(c|f)\b)?"
)
NOT_A_BODY_TEMPERATURE = re.compile(
    r"\b(?:outside|weather|forecast|heatwave|heat\s+wave|room|bedroom|house|oven|fridge|freezer|bath\s+water|"
    r"pool|sea|spain|abroad|laptop|engine|degrees\s+out|out\s+there|in\s+here)\b"
)
# "the thermometer says 35.5, even though the room is warm": the child's reading; a room
# named after it only says where they are (weather or a thing after it still counts).
BODY_READING_BEFORE = re.compile(
    r"\b(?:thermometer|temp|temperature|underarm|armpit|ear|forehead)\s+(?:says|said|reads|read|showing|shows|is|was|of)\s*$"
)
# "breathing fine, temp 39": the number belongs to the word right before it
TEMP_WORD_BEFORE = re.compile(r"\b(?:temp|temps|temperature|fever|thermometer)\s*(?:of|is|was|at|now|says|reads)?\s*$")
# "39.5 ear", "37.8 under arm": a reading taken on a body
BODY_SITE_AFTER = re.compile(
    r"\s*(?:c\b|degrees?\b)?\s*(?:in\s+(?:the|his|her)\s+)?(?:ear|underarm|under\s+(?:the\s+|his\s+|her\s+)?arm|armpit|forehead|axillary|tympanic|rectal|oral)\b"
)
NOT_A_BODY_AFTER_READING = re.compile(
    r"\b(?:outside|weather|forecast|oven|fridge|freezer|bath\s+water|pool|sea|degrees\s+out|out\s+there)\b"
)
F_CONTEXT = re.compile(
    r"\b(?:temp|temps|temperature|temprature|fever|thermometer|reading|reads|says|showing|shows|ear|forehead|underarm|"
    r"armpit|axillary|tympanic|oral|rectal|rectally|orally|peaked|spiked|hit|measured|of)\b[^\d(]*$"
)
TEMP_CONTEXT = re.compile(
    r"\b(?:temp|temps|temperature|temperatures|temprature|fever|thermometer|reading|read|reads|says|said|"
    r"showing|shows|degrees?|exactly|hot|burning|ear|forehead|underarm|armpit|hit|hits|peaked|up\s+to|at|"
    r"celsius|fahrenheit|spiked|spiking|measured|measures|was|is|its|of|around|about|over|dot|axillary|tympanic|oral|"
    r"rectal|rectally|orally|temporal|strip|digital|old)\b"
)
UNIT_AFTER = re.compile(
    r"^\s*(?:weeks?|wks?|wk|months?|mths?|mos?|mo|years?|yrs?|yo|days?|hours?|hrs?|mins?|minutes?|am|pm|kg|kgs|ml|mg|g|%|percent|times|oz|lbs?|pounds|minute|seconds?|secs?|:|year|th|st|nd|rd)\b"
)
WORD_TEMP = re.compile(
    r"\b(thirty|forty|one\s+hundred(?:\s+and)?|a\s+hundred(?:\s+and)?|hundred(?:\s+and)?)[\s-]*"
    r"(one|two|three|four|five|six|seven|eight|nine)?"
    r"(?:\s+point\s+(zero|oh|one|two|three|four|five|six|seven|eight|nine))?\b"
)
POINT_TEMP = re.compile(r"\b(3[4-9]|4[0-3])\s+point\s+(\d)\b")
ADULT_NOUNS = (
    r"husband|wife|partner|boyfriend|girlfriend|mum|mom|mother|dad|father|nan|nanna|gran|grandma|grandad|"
    r"grandpa|grandmother|grandfather|brother|sister|friend|colleague|auntie|aunt|uncle|fiance|fiancee|hubby"
)
PERSON_AGE_BEFORE = re.compile(
    rf"(?:\b(?:im|i\s+am|iam|aged|age|ages|(?:{ADULT_NOUNS})(?:\s+(?:is|who\s+is|whos))?)\s*,?\s*$)"
)


@dataclass(frozen=True)
class TemperatureReading:
    celsius: float
    text: str


def _f_to_c(value: float) -> float:
    return round((value - 32) * 5 / 9, 1)


def read_temperatures(text: str, awaiting: Optional[str] = None) -> List[TemperatureReading]:
    readings: List[TemperatureReading] = []
    whole_is_number = (
        re.fullmatch(r"\W*(?:its|it is|it says|about|around)?\s*\d{2,3}(?:[.,]\d{1,2})?\s*(?:c|f|degrees?)?\W*", text)
        is not None
    )
    for match in TEMP_NUMBER.finditer(text):
        raw, unit1, unit2 = match.group(1), match.group(2), match.group(3)
        unit = (unit2 or unit1 or "").lower()
        if UNIT_AFTER.match(text[match.end(1) :]) and not unit:
            continue
        if re.search(r"\d[.:/]\s*$", text[: match.start()]) or text[match.end(1) : match.end(1) + 1] == "/":
            continue  # part of a time, a date, a list or a shorthand age (4/52)
        decimal_temp = bool(re.fullmatch(r"(?:3[4-9]|4[0-3])[.,]\d", raw))  # "38.3" is never a rate
        if (
            _is_vital(text, match.start(), match.end())
            and not TEMP_WORD_BEFORE.search(text[: match.start()])
            and not decimal_temp
        ):
            continue  # a pulse, breathing rate or oxygen level
        site_after = BODY_SITE_AFTER.match(text[match.end() :])
        if (not site_after and NOT_A_BODY_TEMPERATURE.search(text[max(0, match.start() - 40) : match.start()])) or (
            NOT_A_BODY_TEMPERATURE.search(text[match.end() : match.end() + 30])
            and not (
                BODY_READING_BEFORE.search(text[max(0, match.start() - 30) : match.start()])
                and not NOT_A_BODY_AFTER_READING.search(text[match.end() : match.end() + 30])
                and re.match(
                    r"\s*(?:c|degrees?)?\s*(?:[,;]|and\b|but\b|though\b|although\b|even\b|while\b)", text[match.end() :]
                )
            )
        ):
            continue  # the weather, a room, the bath, the oven
        has_decimal = "." in raw or "," in raw
        if not has_decimal and not unit and PERSON_AGE_BEFORE.search(text[: match.start()]):
            continue  # "im 34", "my husband is 37": an age
        if re.search(
            r"\b(?:below|under|over|above|than|least|to|from|between|and)\s*$", text[: match.start()]
        ) and re.search(r"\b(?:below|under|over|above|than|least|between)\s*$", text[: match.start()]):
            continue  # a threshold being asked about, not a reading
        value = float(raw.replace(",", "."))
        window = text[max(0, match.start() - 40) : match.end() + 25]
        context = bool(TEMP_CONTEXT.search(window)) or whole_is_number or awaiting == "temperature"
        if unit.startswith("f") or (not unit.startswith("c") and 95 <= value <= 108):
            near_word = bool(F_CONTEXT.search(text[max(0, match.start() - 30) : match.start()]))
            if 95 <= value <= 108 and (
                unit.startswith("f") or near_word or whole_is_number or awaiting == "temperature" or has_decimal
            ):
                readings.append(TemperatureReading(_f_to_c(value), match.group(0)))
            continue
        if 34 <= value <= 43.5:
            if has_decimal or unit or context:
                readings.append(TemperatureReading(round(value, 1), match.group(0)))
    for match in POINT_TEMP.finditer(text):
        value = float(f"{match.group(1)}.{match.group(2)}")
        readings.append(TemperatureReading(value, match.group(0)))
    for match in WORD_TEMP.finditer(text):
        tens_word, unit_word, decimal_word = match.group(1), match.group(2), match.group(3)
        if tens_word.startswith("thirty") or tens_word.startswith("forty"):
            value = float(WORD_NUMBERS[tens_word.split()[0]] + (WORD_NUMBERS[unit_word] if unit_word else 0))
            if decimal_word:
                value += (0 if decimal_word in ("zero", "oh") else WORD_NUMBERS[decimal_word]) / 10
            if 34 <= value <= 43.5 and (unit_word or decimal_word):
                readings.append(TemperatureReading(round(value, 1), match.group(0)))
        else:
            value = 100.0 + (WORD_NUMBERS[unit_word] if unit_word else 0)
            if unit_word and decimal_word:
                value += (0 if decimal_word in ("zero", "oh") else WORD_NUMBERS[decimal_word]) / 10
            if unit_word:
                readings.append(TemperatureReading(_f_to_c(value), match.group(0)))
    return readings


def read_temperature_c(text: str, awaiting: Optional[str] = None) -> Optional[float]:
    """The highest temperature in the text, in Celsius (the cautious choice)."""
    readings = read_temperatures(text, awaiting)
    return max((r.celsius for r in readings), default=None)


# --- vital signs: breathing rate, heart rate, oxygen saturation, capillary refill ----------
@dataclass(frozen=True)
class VitalReading:
    kind: str
    value: float
    text: str


_PER_MINUTE = r"(?:\s*(?:a|per|/|in\s+(?:a|one|1)|each|every)\s*(?:min|mins|minute|m)\b)"
BREATH_WORD = r"(?:breaths?|breathing|breathes|breathe|resps?|respirations?|respiratory\s+rate|resp\s+rate|rr)"
BREATHING_RATE = [
    re.compile(rf"\b(\d{{2,3}})\s*(?:breaths?|resps?|respirations?)\b(?:{_PER_MINUTE})?"),
    re.compile(rf"\b{BREATH_WORD}\b[^.!?\d]{{0,30}}?\b(\d{{2,3}})\b(?!\s*(?:%|c\b|f\b|degrees?|bpm|beats))"),
    re.compile(rf"\b(?:count|counted|counting)\b[^.!?\d]{{0,20}}?\b(\d{{2,3}})\b{_PER_MINUTE}"),
]
# "13 breaths in 15 seconds": scaled to a minute
BREATHS_IN_SECONDS = re.compile(r"\b(\d{1,3})\s*(?:breaths?|resps?)?\s+in\s+(\d{1,2})\s*(?:seconds?|secs?|s)\b")
HEART_WORD = r"(?:heart\s*rate|heartrate|heart\s+beat|heartbeat|heart|pulse|hr)"
HEART_RATE = [
    re.compile(r"\b(\d{2,3})\s*(?:bpm|beats)\b"),
    re.compile(rf"\b{HEART_WORD}\b[^.!?\d]{{0,40}}?\b(\d{{2,3}})\b(?!\s*(?:%|c\b|f\b|degrees?|breaths?))"),
]
OXYGEN_WORD = r"(?:sats?|saturations?|sat\s+levels?|oxygen(?:\s+levels?)?|o2|spo2|sp02|oximeter|pulse\s+ox|pulseox)"
OXYGEN = [
    re.compile(rf"\b{OXYGEN_WORD}\b[^.!?\d]{{0,25}}?\b(\d{{2,3}})\b\s*%?"),
    re.compile(rf"\b(\d{{2,3}})\s*%\s*(?:{OXYGEN_WORD}|on\s+the\s+(?:oximeter|monitor|machine))"),
    # "keeps reading 93 for the oxygen number", "93 on the sats"
    re.compile(rf"\b(\d{{2,3}})\s*%?\s+(?:for|on|as)\s+(?:the\s+|her\s+|his\s+|their\s+|my\s+)?{OXYGEN_WORD}\b"),
]
# An oximeter shows the pulse too: a reading over 100 on it is a heart rate.
OXIMETER_PULSE_OVER = 100
# "65 in one minute", "152 a minute on the monitor": the kind comes from the words around it.
BARE_PER_MINUTE = re.compile(r"\b(\d{2,3})\s*(?:a|per|/|in\s+(?:a|one|1)|each|every)\s*(?:min|mins|minute)\b")
_HEART_CONTEXT = re.compile(r"\b(?:heart|heartbeat|pulse|beats?|bpm|hr|thumping|pounding|racing)\b")
_BREATH_CONTEXT = re.compile(r"\b(?:breaths?|breathing|breathe|breathes|resps?|respirations?|count|counted|counting)\b")
REFILL_WORD = re.compile(
    r"\b(?:pink|colour|color|refill|press|pressed|pressing|push|pushed|squeeze|squeezed|nail|nails|blanch|white)\b"
)
REFILL_SECONDS = re.compile(
    r"\b(\d+(?:[.,]\d)?|one|two|three|four|five|six|seven|eight|nine|ten)\s*(?:seconds?|secs?|s)\b"
)
_VITAL_NEAR = re.compile(rf"(?:{BREATH_WORD}|{HEART_WORD}|{OXYGEN_WORD}|bpm|beats)\b[^.!?\d]{{0,30}}$")
_VITAL_AFTER = re.compile(
    rf"^\s*(?:bpm|beats|breaths?|resps?|%|(?:for|on|as)\s+(?:the\s+|her\s+|his\s+|my\s+)?{OXYGEN_WORD}\b|{_PER_MINUTE})"
)


def _is_vital(text: str, start: int, end: int) -> bool:
    return bool(_VITAL_NEAR.search(text[max(0, start - 40) : start]) or _VITAL_AFTER.match(text[end:]))


TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
        "ninety": 90}  # fmt: skip
UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
WORD_RATE = re.compile(
    rf"\b({'|'.join(TENS)})(?:[\s-]+({'|'.join(UNITS)}))?\b(?!\s+point)|\b(?:a\s+|one\s+)?hundred(?:\s+and)?(?:\s+({'|'.join(TENS)}))?(?:[\s-]+({'|'.join(UNITS)}))?\b"
)


def _rates_in_digits(text: str) -> str:
    """ "counted her breathing: sixty-eight" -> "... 68" (only for the vital sign readers; a
    temperature in words is read elsewhere)."""

    def digits(match: re.Match) -> str:
        if match.group(1):
            return str(TENS[match.group(1)] + (UNITS[match.group(2)] if match.group(2) else 0))
        value = 100 + (TENS[match.group(3)] if match.group(3) else 0) + (UNITS[match.group(4)] if match.group(4) else 0)
        return str(value)

    return WORD_RATE.sub(digits, text)


def read_vitals(text: str) -> List[VitalReading]:
    """Breathing rate and heart rate (per minute), oxygen saturation (%), capillary refill (s)."""
    if re.search(rf"\b(?:{BREATH_WORD}|{HEART_WORD}|{OXYGEN_WORD})\b", text):
        text = _rates_in_digits(text)
    found: List[VitalReading] = []
    spans: List[tuple] = []

    def add(kind: str, match: re.Match, low: float, high: float) -> None:
        if any(a <= match.start(1) < b for a, b in spans):
            return
        if re.match(r"[.,]\d", text[match.end(1) :]) and kind != "oxygen_saturation":
            return  # "breathing fine, 38.3": a temperature, not a rate
        if TEMP_WORD_BEFORE.search(text[: match.start(1)]):
            return  # "breathing fine, temp 39": the number belongs to the word next to it
        value = float(match.group(1))
        if low <= value <= high:
            spans.append((match.start(1), match.end(1)))
            found.append(VitalReading(kind, value, match.group(0)))

    for pattern in OXYGEN:
        for match in pattern.finditer(text):
            if float(match.group(1)) > OXIMETER_PULSE_OVER:
                add("heart_rate", match, 30, 260)
            else:
                add("oxygen_saturation", match, 50, 100)
    for match in BREATHS_IN_SECONDS.finditer(text):
        seconds = float(match.group(2))
        if 10 <= seconds <= 30 and (re.search(rf"\b{BREATH_WORD}\b", text) or "count" in text):
            spans.append((match.start(1), match.end(1)))
            rate = float(match.group(1)) * 60 / seconds
            found.append(VitalReading("breathing_rate", rate, match.group(0)))
    for pattern in BREATHING_RATE:
        for match in pattern.finditer(text):
            if pattern is BREATHING_RATE[2] and re.search(rf"\b{HEART_WORD}\b|\bbeats\b|\bbpm\b", text):
                continue  # a counted pulse; parents who count per minute mostly count breaths
            add("breathing_rate", match, 8, 150)
    for pattern in HEART_RATE:
        for match in pattern.finditer(text):
            add("heart_rate", match, 30, 260)
    for match in BARE_PER_MINUTE.finditer(text):
        sentence = re.split(r"[.!?]", text[: match.start()])[-1] + text[match.start() : match.end() + 40].split(".")[0]
        if _HEART_CONTEXT.search(sentence):
            add("heart_rate", match, 30, 260)
        elif _BREATH_CONTEXT.search(text):
            add("breathing_rate", match, 8, 150)
    if REFILL_WORD.search(text):
        for match in REFILL_SECONDS.finditer(text):
            window = text[max(0, match.start() - 60) : match.end() + 40]
            if REFILL_WORD.search(window) and re.search(r"\b(?:pink|colour|color|refill|back|return|white)\b", window):
                value = word_or_number(match.group(1))
                if value is not None and value <= 30:
                    found.append(VitalReading("capillary_refill", value, match.group(0)))
    return found


# --- fever duration -------------------------------------------------------------
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAY = r"(?:mon|tues|tue|wednes|wed|thurs|thu|fri|satur|sat|sun)(?:day)?"
FEVER_WORDS = r"(?:fever|fevers|feverish|temp|temps|temperature|temperatures|hot|high\s+temp|burning\s+up|febrile|roasting|roastin|boiling|baking)"
OTHER_ILLNESS = re.compile(
    r"\b(?:cold|cough|coughing|snotty|runny|nose|rash|spots|diarrhoea|diarrhea|sick|vomiting|ear|teething|chickenpox|tooth)\b"
)
DURATION = re.compile(
    rf"(?P<pre>\b(?:for|since|over|of|lasted|lasting|last|past|on\s+and\s+off\s+for|now|been)\b)?\s*"
    rf"(?:nearly|almost|about|around|over|more\s+than|at\s+least|a\s+good)?\s*\b({NUM}|a|couple\s+of|few)\s*(?:whole|full|solid|good|entire)?\s*({UNIT_DAY}|nights?|{UNIT_WEEK}|fortnight)s?\b"
)
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
            "eighth": 8, "ninth": 9, "tenth": 10}  # fmt: skip
DAY_N_OF = re.compile(rf"\bday\s+({NUM})(?:\s+(?:of|with)\b|\s*$|\s*[,.!?]|\s+now\b|\s+today\b)")
NTH_DAY = re.compile(r"\b(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d+(?:st|nd|rd|th))\s+day\b")


def _weekday_index(word: str) -> Optional[int]:
    for index, name in enumerate(WEEKDAYS):
        if name.startswith(word[:3]):
            return index
    return None


def _days_since_weekday(text: str, today: dt.date) -> Optional[int]:
    match = re.search(rf"\bsince\s+(?:last\s+|on\s+)?({WEEKDAY})\b", text)
    if not match:
        return None
    start = _weekday_index(match.group(1))
    now_match = re.search(
        rf"\b(?:today\s+is|todays|its|it\s+is|now\s+its|and\s+its|now\s+it\s+is)\s+({WEEKDAY})\b", text[match.end() :]
    )
    end = _weekday_index(now_match.group(1)) if now_match else today.weekday()
    if start is None or end is None:
        return None
    days = (end - start) % 7
    return days or 7


def _duration_days(value_text: str, unit: str) -> Optional[float]:
    if value_text.startswith("couple"):
        value = 2.0
    elif value_text.startswith("few"):
        value = 3.0
    else:
        value = word_or_number(value_text)
    if value is None:
        return None
    unit = unit.lower()
    if unit.startswith("fortnight"):
        return 14.0
    if re.fullmatch(rf"{UNIT_WEEK}s?", unit):
        return value * 7
    return value


def read_fever_days(text: str, today: Optional[dt.date] = None, fever_in_context: bool = False) -> Optional[float]:
    """How many days the fever has lasted, if the text says."""
    today = today or dt.date.today()
    best: Optional[float] = None
    dated = re.search(
        r"\b(?:on|since)\s+(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)\b.*?\b(?:its|it\s+is|today\s+is|todays)\s+(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)\b",
        text,
    )
    if dated and re.search(rf"\b{FEVER_WORDS}\b", text) and 0 < int(dated.group(2)) - int(dated.group(1)) < 28:
        best = float(int(dated.group(2)) - int(dated.group(1)))
    for match in FEVER_SHORTHAND.finditer(text):
        value = float(match.group(1)) * (7 if match.group(2) == "52" else 1)
        best = value if best is None else max(best, value)
    if re.search(rf"\b{FEVER_WORDS}\b", text) or fever_in_context:
        day = DAY_N_OF.search(text)
        if day:
            best = word_or_number(day.group(1))
    parts = re.split(r"((?<!\d)[.,]|[.,](?!\d)|[!?;\n]|\bbut\b|\bhowever\b)", text)
    # "running hot like a kettle, five whole days now": a duration in the comma clause after the fever
    previous_fever = False
    for index, clause in enumerate(parts[0::2]):
        separator = parts[2 * index + 1] if 2 * index + 1 < len(parts) else ""
        has_fever_word = re.search(rf"\b{FEVER_WORDS}\b", clause) is not None
        after_fever = previous_fever and not has_fever_word and not OTHER_ILLNESS.search(clause)
        previous_fever = has_fever_word and separator == ","
        if not has_fever_word and not after_fever and (not fever_in_context or OTHER_ILLNESS.search(clause)):
            continue
        days: Optional[float] = None
        match = DAY_N_OF.search(clause)
        if match:
            days = word_or_number(match.group(1))
        nth = NTH_DAY.search(clause)
        if nth:
            word = nth.group(1)
            days = float(ORDINALS.get(word) or int(re.sub(r"\D", "", word)))
        for dmatch in DURATION.finditer(clause):
            after = _word_after(clause, dmatch.end())
            if not has_fever_word and not dmatch.group("pre") and not (after_fever and after == "now"):
                continue  # a bare "10 weeks" answers "how old?", it is not a duration
            if after in (
                "ago",
                "old",
                "olds",
                "before",
                "baby",
                "babies",
                "son",
                "daughter",
                "girl",
                "boy",
                "pregnant",
                "postpartum",
                "postnatal",
                "pp",
                "post",
                "gestation",
                "along",
                "gone",
            ):
                continue  # an age, a gestation or the time since a birth, not the fever
            if not dmatch.group("pre") and re.search(
                rf"\b(?:{SUBJECT_NOUNS}|{ADULT_NOUNS}|im|i\s+am)(?:\s+(?:is|was|s|just|only|now|nearly|almost|aged))*\s*$",
                clause[: dmatch.start()],
            ):
                continue  # "lo 6wks temp 37.8": an age
            before = clause[max(0, dmatch.start() - 12) : dmatch.start()]
            if re.search(r"\b(?:in|every|next|jabs)\s*$", before):
                continue
            value = _duration_days(dmatch.group(2), dmatch.group(3))
            if value is not None and re.search(r"\bnearly|almost\b", dmatch.group(0)) and value >= 7:
                value -= 1
            if value is not None and (days is None or value > days):
                days = value
        since = _days_since_weekday(text[text.find(clause) :], today) if re.search(r"\bsince\b", clause) else None
        if since is not None and (days is None or since > days):
            days = float(since)
        if days is None and re.search(r"\b(?:since|for)\s+(?:last\s+week|a\s+week|over\s+a\s+week)\b", clause):
            days = 7.0
        if days is not None and (best is None or days > best):
            best = days
    return best


# --- hours without a wee ----------------------------------------------------------
CLOCK = re.compile(
    r"\b(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|oclock|o\s*clock|this\s+morning|in\s+the\s+morning|at\s+night|tonight|this\s+evening|in\s+the\s+evening|this\s+afternoon)?\b"
)


def _to_24h(hour: int, marker: Optional[str]) -> int:
    marker = (marker or "").replace(" ", "")
    if marker in ("pm", "atnight", "tonight", "thisevening", "intheevening", "thisafternoon") and hour < 12:
        return hour + 12
    if marker in ("am", "thismorning", "inthemorning") and hour == 12:
        return 0
    return hour


def _clock_prefix(text: str, start: int) -> Optional[str]:
    """ "since morning 6 oclock, now night 8 oclock": the part of the day said before the time."""
    word = _word_before(text, start)
    if word in ("morning", "am"):
        return "am"
    if word in ("night", "evening", "afternoon", "tonight", "pm"):
        return "pm"
    return None


def _day_part(match: re.Match, text: str) -> Optional[str]:
    marker = match.group(3)
    if marker and marker.replace(" ", "") != "oclock":
        return marker
    return _clock_prefix(text, match.start()) or marker


def read_hours_without_wee(text: str) -> Optional[float]:
    """Hours since the last wee or wet nappy, when the text says."""
    match = re.search(r"\b(\d+(?:[.,]\d)?|" + _NUM_WORD + r")\s*(?:hours?|hrs?|h)\b", text)
    if match:
        value = word_or_number(match.group(1))
        if value is not None:
            return value
    if re.search(r"\ball\s+day\b|\bsince\s+(?:yesterday|last\s+night)\b|\ball\s+night\b", text):
        return 12.0
    since = re.search(r"\bsince\s+(?:about\s+|around\s+|her\s+\w+\s+\w+\s+\w+\s+\w+\s+at\s+|at\s+)?", text)
    if since:
        times = [m for m in CLOCK.finditer(text, since.end()) if m.group(3) or m.group(2)]
        if len(times) >= 2:
            start = _to_24h(int(times[0].group(1)), _day_part(times[0], text))
            end = _to_24h(int(times[1].group(1)), _day_part(times[1], text))
            return float((end - start) % 24)
    return None
