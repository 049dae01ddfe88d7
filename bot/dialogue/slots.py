"""Slot names shared by the policy, the actions and the evaluation."""

TRIAGE_LEVEL = "triage_level"  # highest level reached in this conversation
MESSAGE_LEVEL = "message_level"  # level of the latest message
AGE_MONTHS = "age_months"
TEMPERATURE_C = "temperature_c"
FEVER_DAYS = "fever_days"
FEVER_REPORTED = "fever_reported"
CHILD_DESCRIBED = "child_described"
SIGNS_FOUND = "signs_found"
AWAITING = "awaiting"  # the question the bot asked last
ASKED = "asked"  # questions already asked in this conversation
FILMS_SHOWN = "films_shown"
# The parent said none of the emergency signs is there: only then may the bot reassure.
SCREENED = "screened"
RISK_FACTORS = "risk_factors"  # higher-risk groups the conversation mentioned (NICE NG51)
SUSPECTED_SIGN = "suspected_sign"
TOPICS = "topics"  # words of earlier turns that later short answers lean on (rash, cut ...)  # what the learned detector suspected, when the engine found nothing
SAID = "said"  # signatures (guidance keys) of the messages already sent: no long repeats
ABOUT = "about"  # who the conversation is about: child, self (the adult typing) or other
MEDICINES_GIVEN = "medicines_given"  # what the parent said was given, in their words
TEMPERATURE_AT = "temperature_at"  # when the parent told us the temperature (HH:MM)

CONTEXT_SLOTS = {
    "age_months": AGE_MONTHS,
    "temperature_c": TEMPERATURE_C,
    "fever_days": FEVER_DAYS,
    "fever_reported": FEVER_REPORTED,
    "child_described": CHILD_DESCRIBED,
    "awaiting": AWAITING,
    "risks": RISK_FACTORS,
    "topics": TOPICS,
}
