"""Which of the parents' questions a message asks (the answers catalogue's topics).

Deterministic and small: a message is a question (a question mark, a question
word or verb first, or "should I", "wondering" ...) about a topic (concept words:
medicine names, bath and clothes, teeth ...). The answers themselves live in the
guidance file as `answer.<topic>`; the NLU intent is a second source for the
topics it knows. Statements ("she had a fit") are not questions about first aid.
"""

from __future__ import annotations

import re
from typing import Dict, List, Optional

_QUESTION_START = re.compile(
    r"^\s*(?:(?:so|ok|okay|and|but|also|hi|hello|sorry|please|right|um+|erm+)[\s,]+)*"
    r"(?:how|what|whats|when|where|which|who|why|is|isnt|are|arent|can|cant|could|should|shall|do|does|did|"
    r"will|would|may|might|am|any|wat|wot|wht|shud|shld|cn|r|izit|is\s+it)\b"
)
_QUESTION_ANYWHERE = re.compile(
    r"\b(?:what|how|when|where|which|why|should\s+(?:she|he|they|it)|is\s+(?:it|that|this|she|he)\s+(?:ok|okay|normal|bad|safe|right|fine|alright|serious|worrying)|"
    r"do\s+(?:i|we)\s+(?:still|really|need)|is\s+ok|are\s+you\s+sure|is\s+(?:that|this|it)\s+(?:the|right|correct|wrong|enough)|"
    r"should\s+i|shall\s+i|can\s+i|could\s+i|do\s+i|do\s+we|should\s+we|can\s+we|is\s+it\s+(?:ok|okay|safe|normal|fine|alright|bad)|"
    r"wondering|not\s+sure\s+(?:if|whether|what|how|when)|any\s+(?:advice|tips|idea)|tell\s+me|advice\s+(?:on|about)|"
    r"what\s+(?:do|should|can)\s+i|how\s+(?:do|should|can|long|much|often)|is\s+(?:that|this|it)\s+(?:a|high|normal|ok|bad|too)|"
    r"need\s+to\s+know|want\s+to\s+know|wanna\s+know|question\s+mark|do\s+you\s+know)\b"
)


TEXTING = {
    "wot": "what",
    "wat": "what",
    "wht": "what",
    "wt": "what",
    "shud": "should",
    "shld": "should",
    "shd": "should",
    "cud": "could",
    "cn": "can",
    "u": "you",
    "ur": "your",
    "r": "are",
    "n": "and",
    "wen": "when",
    "hw": "how",
    "wiv": "with",
    "ov": "of",
    "av": "have",
    "ave": "have",
    "gonna": "going to",
    "wanna": "want to",
    "dunno": "do not know",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "2moro": "tomorrow",
    "2day": "today",
    "2nite": "tonight",
    "nite": "night",
    "pls": "please",
    "plz": "please",
    "coz": "because",
    "cos": "because",
    "bc": "because",
    "abt": "about",
    "de": "do",
    "dee": "do",
    "a": "a",
    "mam": "mum",
    "mom": "mum",
    "ma": "mum",
    "hes": "he is",
    "shes": "she is",
    "theyre": "they are",
    "im": "i am",
    "ive": "i have",
    "its": "it is",
    "whats": "what is",
    "wats": "what is",
    "wots": "what is",
    "hows": "how is",
    "wheres": "where is",
    "thats": "that is",
    "dont": "do not",
    "doesnt": "does not",
    "didnt": "did not",
    "wont": "will not",
    "cant": "can not",
    "isnt": "is not",
}


# voice-to-text and spoken forms of the words the topics need
SPOKEN = [
    (re.compile(r"\bnine\s+nine\s+nine\b"), "999"),
    (re.compile(r"\bone\s+one\s+one\b"), "111"),
    (re.compile(r"\bcal\s*pol+e?\b|\bcalpal\b|\bcalpole\b"), "calpol"),
    (re.compile(r"\bneuro\s*fen\b|\bneuro\s+fan\b|\bnurofin\b|\bneurofin\b"), "nurofen"),
    (re.compile(r"\bquestion\s+mark\b"), "?"),
    (re.compile(r"\ba\s+and\s+e\b|\ba\s*&\s*e\b|\bae\b"), "a&e"),
]
# "lookin", "ringin": a dropped g
DROPPED_G = re.compile(
    r"\b(look|ring|ask|do|go|gett|breath|feel|say|com|tak|giv|wait|driv|check|watch|keep|shak|jerk|"
    r"burn|boil|eat|drink|feed|sleep|cry|moan|throw|being|hav|mak|tell|try|call|phon|think)in\b"
)


def normalise(text: str) -> str:
    text = text.lower().replace("\u2019", "'").replace("'", "")
    for pattern, replacement in SPOKEN:
        text = pattern.sub(replacement, text)
    text = DROPPED_G.sub(lambda m: m.group(1) + "ing", text)
    words = re.findall(r"[a-z0-9&./]+|[?!]", text)
    return " ".join(TEXTING.get(w, w) for w in words)


def is_question(text: str) -> bool:
    t = normalise(text)
    return "?" in t or bool(_QUESTION_START.search(t)) or bool(_QUESTION_ANYWHERE.search(t))


_W = r"(?:him|her|them|my\s+\w+|the\s+baby|baby|it)"
_FAMILY = r"(?:(?:his|her|my|our|their|the)\s+)?(?:mum|mam|mom|mother|dad|da|father|husband|wife|partner|nan|nana|gran|granny|grandma|grandad|parents?|other\s+half|fella|boyfriend|girlfriend)"

# Topic: (pattern, needs a question). Checked in this order; the first match wins.
TOPICS: List[tuple] = [
    (
        "dont_delay",
        re.compile(
            r"\b(?:do|does|do\s+i|do\s+we|i|we)\s+(?:really|honestly|actually|still|definitely|seriously)?\s*(?:need|have)\s+"
            r"(?:to\s+(?:call|ring|phone|go\s+to|get)\s+)?(?:999|an?\s+ambulance|the\s+ambulance|a&e|hospital)\b|"
            r"\b(?:is\s+it\s+)?(?:ok|okay|alright|fine)\s+(?:if|to)\s+(?:i|we)\s+(?:just\s+)?wait\b|"
            r"\b(?:check|see|try|take)\s+(?:it|her|him|them)?\s*again\s+in\s+(?:an|a|\d+|half\s+an)\s+(?:hour|hours|while|bit)\b"
        ),
        True,
    ),
    (
        "travel_to_ae",
        re.compile(
            r"\b(?:drive|take|bring)\s+(?:him|her|them|the\s+baby)\s+(?:in\s+)?(?:myself|herself|himself|ourselves|ourself|in\s+the\s+car|by\s+car|there)\b|"
            r"\bor\s+wait\s+for\s+(?:the\s+|an\s+)?ambulance\b|\bcar\s+seat\b"
        ),
        True,
    ),
    (
        "cannot_reach",
        re.compile(
            r"\b(?:alert\s+card|ward\s+number|treatment\s+line|not\s+answering|no\s+answer|no\s+one\s+(?:is\s+)?answer\w*|"
            r"can\s*not\s+get\s+through|cant\s+get\s+through|on\s+hold\s+for\s+ages|engaged)\b"
        ),
        False,
    ),
    ("cost", re.compile(r"\b(?:cost|costs|pay|paying|charge|charged|expensive|free|money|bill|insurance)\b"), True),
    (
        "who_to_call",
        re.compile(
            r"\bwho\s+(?:would|do|should|can|am|could)\s+(?:i|we)\s+(?:be\s+)?(?:supposed\s+to\s+)?(?:contact|call|ring|phone|speak|talk|go)\b|"
            r"\b(?:gp|doctor|surgery)\b.*\b(?:shut|closed)\b"
        ),
        True,
    ),
    (
        "signs",
        re.compile(
            r"\bwhat\s+(?:should|do|shall|must|would)\s+(?:i|we|she|he)\s+(?:be\s+)?(?:check\w*|look\w*|watch\w*)\s+(?:out\s+)?for\b|"
            r"\bwhat\s+(?:would|does|will|should)\s+mean\b.*\b999\b|\bwhat\s+would\s+make\s+(?:it|this)\s+(?:an\s+)?(?:emergency|999)\b|\bwhat\s+counts\s+as\s+(?!a\s+(?:fever|high))(?:\w+\s+)?(?:breathing|fast|floppy|sleepy|pale|blotchy)\b|"
            r"\b(?:looking|watching|look|watch)\s+out\s+for\b"
        ),
        True,
    ),
    (
        "while_waiting",
        re.compile(
            r"\bwhile\s+(?:we|i)\s+(?:wait|are\s+waiting)\b|\bwait(?:ing)?\s+for\s+(?:the\s+|an\s+)?(?:ambulance|paramedics?|help|them\s+to\s+(?:come|arrive))\b|"
            r"\b(?:till|until|before)\s+(?:the\s+)?(?:ambulance|paramedics?)\s+(?:come|comes|get|gets|arrive|arrives)\b"
        ),
        False,
    ),
    (
        "sent_home_worse",
        re.compile(
            r"\b(?:sent|discharged)\s+(?:us\s+|him\s+|her\s+|them\s+|me\s+)?(?:home|away)\b|"
            r"\b(?:go|going|take\s+\w+)\s+back\s+to\s+(?:the\s+)?(?:gp|doctor|a&e|hospital|same)"
        ),
        False,
    ),
    ("contagious", re.compile(r"\b(?:contagious|catching|infectious)\b|\bcatch\s+(?:it|sepsis|this)\b"), False),
    (
        "fever_by_age",
        re.compile(
            r"\bis\s+(?:that|this|it)\s+(?:a\s+)?(?:fever|high|too\s+high|a\s+high\s+temp\w*)\b|"
            r"\b(?:classed|counted|count|counts|class)\s+as\s+(?:a\s+)?(?:fever|high|temperature)\b|"
            r"\b(?:\d\d(?:[.,]\d)?|temp|temperature)\b.*\bis\s+(?:that|this|it)\s+(?:normal|ok|okay)\b"
        ),
        True,
    ),
    (
        "will_be_ok",
        re.compile(
            r"\b(?:will|is|would)\s+(?:she|he|they|it|my\s+\w+|the\s+baby)\s+(?:be|going\s+to\s+be)\s+"
            r"(?:ok|okay|alright|all\s+right|fine|safe)\b(?!\s+to\s+(?:go|attend|have|take|eat|swim|play|do))|\b(?:is|will)\s+(?:she|he|they)\s+(?:going\s+to\s+)?(?:die|dying)\b|"
            r"\bbe\s+(?:ok|okay|alright|fine)\s+will\s+not\s+(?:she|he|they)\b"
        ),
        False,
    ),
    (
        "signs",
        re.compile(
            r"\b(?:what|which)\s+(?:signs?|symptoms?|changes?)\b|\b(?:look|watch)\s+out\s+for\b|\bwatch\s+for\b"
        ),
        True,
    ),
    ("signs", re.compile(r"\b(?:bad|good|worrying|serious|dangerous|warning|red\s+flag)\s+sign\b"), True),
    (
        "handover",
        re.compile(
            r"\bwhat\s+(?:do|should|shall|will|would)\s+i\s+(?:tell|say\s+to|say)\s+(?:to\s+)?(?:them|999|111|the\s+(?:paramedics?|ambulance|crew|doctors?|nurses?|call\s+handler|operator|hospital))\b|\bwhat\s+(?:will|do)\s+they\s+(?:ask|need\s+to\s+know)\b|\bsummary\b|\bwhat\s+info\w*\s+(?:do|will)\s+they\b"
        ),
        True,
    ),
    (
        "dont_delay",
        re.compile(
            r"\b(?:wait|leave\s+it|hold\s+off)\s+(?:till|until|til|for|and\s+see|to\s+see|a\s+bit|a\s+while|overnight)\b|see\s+how\s+(?:she|he|they|it|things)\b|"
            r"\bwait\s+and\s+see\b|\bsee\s+if\s+(?:she|he|they|it)\s+(?:perks|picks|gets|improves|settles|comes|is|seems|bucks)|"
            r"\b(?:ring|call|phone|text|ask|tell|wait\s+for|speak\s+to|message|trying|try)\s+" + _FAMILY + r"|"
            r"\b(?:can|should|could|shall)\s+(?:i|we)\s+(?:just\s+)?wait\b|\bok\s+to\s+wait\b|\b(?:morning|tomorrow)\b.*\b(?:gp|doctor|surgery)\b|"
            r"\b(?:gp|doctor|surgery)\b.*\b(?:morning|tomorrow|when\s+(?:they|it)\s+open)|first\s+thing\s+(?:in\s+the\s+)?(?:morning|tomorrow)|"
            r"\bdo\s+(?:i|we)\s+(?:still|really)\s+(?:need|have)\s+to\b|\b(?:really|still)\s+need\s+to\s+(?:ring|call|phone|go)\b|"
            r"\bfor\s+nothing\b|\bwasting\s+(?:their|your|the)\s+time\b|\bjust\s+wait\b|\bwait\s+on\s+(?:her|him|them|my|his|the)\b|"
            r"\b(?:gp|doctor|surgery|chemist|pharmacy)\s+(?:opens|is\s+open|open)\b|\bcan\s+not\s+(?:we|i)\s+(?:go|wait)\b"
        ),
        False,
    ),
    (
        "travel_to_ae",
        re.compile(
            r"\b(?:drive|driving|take|taking|bring|bringing)\s+(?:him|her|them|myself|us|me|the\s+baby|my\s+\w+)\s*(?:in|to|down|up|there|myself|ourselves)?\b.*\b(?:a&e|a\s*and\s*e|hospital|ae)\b|"
            r"\b(?:a&e|hospital)\b.*\b(?:drive|driving|taxi|uber|bus|car)\b|\b(?:taxi|uber)\b|\bwait\s+for\s+(?:the\s+|an\s+)?ambulance\b|"
            r"\b(?:or|vs|versus)\s+(?:an\s+|the\s+)?ambulance\b|\bambulance\s+or\b|\bdrive\s+(?:him|her|them|myself|us|her\s+in|him\s+in)\b|"
            r"\b(?:go|take|bring|drive)\s+(?:\w+\s+)?(?:self|ourself|ourselves|myself|in\s+the\s+car|by\s+car)\b|\b(?:have|got|has)\s+(?:a\s+|the\s+)?car\b|\bin\s+the\s+car\b"
        ),
        True,
    ),
    (
        "fit_first_aid",
        re.compile(
            # a fit named, but not an idiom ("threw a fit at the checkout", "will have a fit when she sees");
            # shaking or jerking only about a person ("the screen is jerking" is not)
            r"^(?!.*\b(?:threw|throw|throws|throwing|pitched|chucked|chucking)\s+(?:a\s+)?(?:fit|wobbly|tantrum)\b)"
            r"(?!.*\b(?:have|has|had|having|throw)\s+a\s+(?:fit|seizure)\s+(?:when|if|at|because|about|over)\b)"
            r"(?:.*\b(?:fit|fits|fitting|seizure|seizures|seizing|convulsion|convulsions|convulsing)\b|"
            r".*\b(?:she|he|they|baby|child|son|daughter|her|his|him|them)\b.*\b(?:shaking|jerking|jerkin|twitching|stiff)\b|"
            r".*\b(?:shaking|jerking|jerkin|twitching|stiff)\b.*\b(?:she|he|they|baby|child|son|daughter|her|his|him|them)\b)"
        ),
        True,
    ),
    (
        "medicines",
        re.compile(
            r"\b(?:calpol|paracetamol|paracetemol|paracetomol|ibuprofen|ibuprofin|nurofen|calprofen|medicine|medicines|meds|medication|"
            r"calpal|antipyretic|dose|doses|dosage|suppository|aspirin|tylenol|motrin|calpol\w*|nurofen\w*|painkillers?|pain\s+relief)\b|"
            r"\bgive\s+(?:her|him|them|the\s+baby)\s+(?:anything|something)?\s*for\b|\bfor\s+the\s+(?:pain|temp|temperature|fever)\b"
        ),
        True,
    ),
    (
        "take_temperature",
        re.compile(
            r"\b(?:take|taking|check|checking|measure|measuring|read|reading|use|using|get|getting)\s+(?:(?:his|her|their|my|the|a|baby'?s|babys)\s+)?(?:\w+\s+)?(?:temp|temperature|temps)\b|"
            r"\bthermometers?\b|\b(?:armpit|underarm|under\s+(?:the|her|his|their)\s+arm|forehead|ear|rectal|tympanic)\b|\b(?:forehead|fever|temp|temperature)\s+strips?\b|"
            r"\b(?:take|taking|check|do|doing)\s+it\s+(?:properly|right|correctly)|\bright\s+way\s+to\s+(?:do|take|check)"
        ),
        True,
    ),
    (
        "fever_duration",
        re.compile(
            r"\bhow\s+long\b.*\b(?:fever|temp|temperature|last|lasts|go\s+on|going\s+to|gonna|take|until|till|before)\b|"
            r"\bwhen\s+(?:will|does|should|do)\b.*\b(?:fever|temp|temperature)\b.*\b(?:go|break|come\s+down|stop|settle|pass|end)\b|"
            r"\b(?:fever|temp|temperature)\b.*\bhow\s+many\s+days\b|\b(?:fever|temp|temperature)\b.*\b(?:so|this|too)\s+long\b|"
            r"\b(?:long|so\s+long)\b.*\b(?:fever|temp|temperature)\b|\bnormal\b.*\b(?:fever|temp|temperature)\b.*\b(?:long|still|days)\b"
        ),
        True,
    ),
    (
        "bath_clothing",
        re.compile(
            r"\b(?:bath|baths|bathe|shower|sponge|sponging|flannel|tepid|lukewarm|cool\s+water|cold\s+water|fan|fans|blanket|blankets|"
            r"clothes|clothing|dress|dressed|undress|strip\s+(?:her|him|them|off|down|the\s+baby)|vest|duvet|wrap|wrapped|bundle|bundled|layers|sleepsuit|onesie|compress|ice)\b"
        ),
        True,
    ),
    (
        "bath_clothing",
        re.compile(
            r"\b(?:wrap|wrapped|wrapping|bundle|bundled|duvet|sweat\s+it\s+out|cold\s+bath|cool\s+bath|sponge|sponging|tepid|layer|layers)\b"
        ),
        False,
    ),
    ("teething", re.compile(r"\b(?:teething|teeth|tooth|toothy)\b"), True),
    (
        "glass_test",
        re.compile(
            r"\bglass\s+test\b|\btumbler\s+test\b|\b(?:how|what)\b.*\b(?:glass|tumbler)\b|\bnon.?blanching\b|"
            r"\b(?:what|how)\b.*\b(?:rash|rashes|spots|spot|dots|marks|pinpricks?|petechiae|freckles)\b.*\b(?:fade|blanch|look|looks|like|mean|tell|do|check|test)\b|"
            r"\b(?:rash|rashes|spots|dots|marks)\b.*\b(?:what|how)\s+(?:do|should|can)\s+i\b|\bhow\s+(?:do|can|should)\s+i\s+(?:check|test)\s+(?:them|it|the\s+\w+)"
        ),
        True,
    ),
    (
        "skin_look",
        re.compile(
            r"\b(?:what|how|hows)\b.*\b(?:mottled|mottling|mottle|blotchy|marbled|marbling|dusky|pale|pallor|grey|gray|blue|bluish|colour|color)\b|"
            r"\b(?:on|with)\s+(?:dark|darker|brown|black)\s+skin\b|\b(?:dark|darker|brown|black)\s+skin(?:ned)?\b|\b(?:black|brown|asian)\s+(?:family|baby|child|kids?)\b|"
            r"\bskin\b.*\b(?:signs?|look|looks|like|mean|colour|color)\b|\bmarble|\bwhat\s+(?:does\s+(?:it|that|this)\s+|do\s+)?mean\b"
        ),
        True,
    ),
    (
        "contagious",
        re.compile(
            r"\b(?:contagious|catching|catch|infectious|spread|spreading|pass\s+it\s+on|catch\s+it|catch\s+sepsis|get\s+it\s+too|"
            r"(?:brother|sister|sibling|siblings|twin|other\s+kids|other\s+children)\b.*\b(?:catch|get|safe))\b"
        ),
        True,
    ),
    (
        "nursery_school",
        re.compile(
            r"\b(?:nursery|school|childminder|creche|daycare|day\s+care|preschool|pre-school|playgroup|college|keep\s+(?:him|her|them)\s+off|off\s+school|go\s+(?:to|back\s+to)\s+work)\b"
        ),
        True,
    ),
    (
        "sent_home_worse",
        re.compile(
            r"\b(?:sent|discharged|let)\s+(?:us\s+|him\s+|her\s+|them\s+|me\s+)?(?:home|away|back)\b|"
            r"\b(?:seen|saw|see|been\s+to|went\s+to|back\s+from|came\s+back\s+from)\s+(?:by\s+)?(?:the\s+|a\s+)?(?:gp|doctor|doc|a&e|hospital|out\s+of\s+hours|walk.?in|urgent\s+care|111)\b.*\b(?:worse|not\s+better|no\s+better|again|still)\b|"
            r"\b(?:gp|doctor|doc|a&e|hospital|nurse|111)\b.*\b(?:said|say|says|told)\b.*\b(?:fine|ok|okay|virus|viral|nothing|alright)\b|"
            r"\b(?:go|going|take\s+\w+)\s+back\s+to\s+(?:the\s+)?(?:gp|doctor|a&e|hospital|same)|\bthey\s+(?:already\s+)?(?:saw|seen|checked)\s+(?:him|her|them)\b"
        ),
        False,
    ),
    (
        "drinks_feeding",
        re.compile(
            r"\b(?:how\s+much|what\s+(?:should|can))\b.*\b(?:drink|drinks|milk|feed|feeds|fluid|fluids|water|eat|food)\b|"
            r"\b(?:breastfeed|breast\s+feed|breastfeeding|bottle|formula)\b|\bdehydrat\w*|\b(?:should|must)\s+(?:she|he|they|i)\s+(?:eat|drink|feed)\b|"
            r"\b(?:will\s+not|not|is\s+not|would\s+not)\s+(?:eat|eating|drink|drinking|feed|feeding|take\s+(?:her|his|the)\s+(?:milk|bottle))\b|"
            r"\bhow\s+(?:much|many|often|do\s+i\s+get)\b.*\b(?:drink|drinking|having|milk|feed|feeds|nappies|nappy|wees?|fluids?|water)\b|"
            r"\b(?:eat|eating|drink|drinking|milk|feed|feeding|nappies|sipping|water|food|tea|yoghurt|bottle)\b.*\bis\s+(?:(?:that|this|it)\s+)?(?:ok|okay|enough|normal|fine|alright)\b|"
            r"\b(?:drinking|eating|feeding)\s+enough\b|"
            r"\b(?:water|drink|milk|juice|squash|food|eat)\b.*\b(?:(?:can|could|should|may)\s+(?:i|we)|(?:i|we)\s+(?:can|could|should|may))\s+(?:give|let)\b|"
            r"\b(?:give|offer|have)\s+(?:her|him|them|the\s+baby)?\s*(?:a\s+|some\s+)?(?:drink|drinks|water|milk|juice|squash|bottle|feed|breastfeed|food|ice\s+lolly)\b"
        ),
        True,
    ),
    (
        "who_to_call",
        re.compile(
            r"\b(?:should|do|shall|can|must)\s+(?:i|we)\s+(?:call|ring|phone|go\s+to|see|take\s+\w+\s+to)\s+(?:999|111|the\s+gp|a\s+gp|gp|a&e|a\s+doctor|the\s+doctor|hospital|an\s+ambulance|ambulance|a\s+pharmacist|the\s+pharmacy)\b|"
            r"\b(?:999|111|a&e|gp)\s+or\s+(?:999|111|a&e|gp|the\s+gp|a\s+doctor)\b|\bwho\s+(?:do|should|can)\s+(?:i|we)\s+(?:call|ring|phone|contact)\b|"
            r"\bwhich\s+number\b|\b111\s+online\b|\bpharmac\w+|\bchemists?\b|\bor\s+(?:999|111|a&e|the\s+gp)\b|\bis\s+it\s+(?:a\s+)?999\b|\bneed\s+(?:an\s+)?ambulance\b|\bwhere\s+(?:do|should)\s+(?:i|we)\s+go\b|"
            r"\b(?:hang\s+up|stay\s+on|cancel)\b.*\b(?:111|999|line|call)\b|\b(?:telephone|phone|ring|call)\s+(?:someone|somebody|anyone|a\s+person)\b|\bwho\s+(?:do|should|can)\s+i\s+(?:talk|speak)\b|"
            r"\b(?:999|111|gp|a&e)\s+(?:myself|now)\b"
        ),
        True,
    ),
    (
        "fever_by_age",
        re.compile(
            r"\b(?:is|isnt|does|would|counts?|classed|class)\b.*\b(?:\d{2}(?:[.,]\d)?|temp|temperature|temps)\b.*\b(?:high|fever|feverish|normal|ok|okay|bad|too|worry|worrying|concerning|dangerous|serious|temperature)\b|"
            r"\bwhat\s+(?:is|counts\s+as|temperature\s+is)\s+(?:a\s+)?(?:high|normal|fever)\b|\bwhat\s+is\s+a\s+(?:normal|high)\s+temp\w*\b|\bwhen\s+is\s+(?:a\s+)?(?:temp|temperature|fever)\b"
        ),
        True,
    ),
    ("meningitis", re.compile(r"\bmening\w*"), True),
    (
        "what_is_sepsis",
        re.compile(
            r"\bdifference\s+between\b.*\bsepsis\b|\bdefin\w+\s+(?:of\s+)?sepsis\b|\bsepsis\s+(?:in\s+plain|explained|in\s+simple)\b|\bexplain\s+(?:what\s+)?sepsis\b|\bwhat\s+(?:is|s|exactly\s+is|actually\s+is)\s+(?:sepsis|septicaemia|septicemia|blood\s+poisoning)\b|\bsepsis\s+mean\b|\bwhat\s+does\s+sepsis\b"
        ),
        True,
    ),
    (
        "signs",
        re.compile(
            r"\b(?:what|which|wat)\b.*\b(?:signs|symptoms|look\s+out\s+for|look\s+for|watch\s+(?:out\s+)?for|warning|red\s+flags|keep\s+an\s+eye)\b|"
            r"\bwhat\s+should\s+i\s+(?:look|watch|be\s+looking|keep)\b|\bhow\s+(?:do|will|would)\s+i\s+know\b|\bwhat\s+(?:do|does)\s+sepsis\s+look\b|"
            r"\b(?:bad|good|worrying|serious|dangerous|warning|red\s+flag)\s+sign\b|\bwhen\s+(?:should|do)\s+i\s+worry\b"
        ),
        True,
    ),
    (
        "what_to_do",
        re.compile(
            r"\bwhat\s+(?:do|should|can|shall)\s+(?:i|we)\s+do\b|\bwhat\s+(?:i|we)\s+(?:do|should\s+do|must\s+do)\b|"
            r"\b(?:should|do|shall)\s+(?:i|we)\s+(?:bring|take|pack)\b|\bwhat\s+now\b|\bwhat\s+next\b|\bwhile\s+(?:we|i)\s+wait\b|\bwaiting\s+for\s+(?:the\s+)?(?:ambulance|paramedics|them)\b|"
            r"\b(?:till|until|before)\s+(?:the\s+)?(?:ambulance|paramedics|they)\s+(?:come|comes|get|arrive|arrives)\b|\btell\s+me\s+what\s+to\s+do\b|\bhow\s+(?:do|can)\s+i\s+help\b|"
            r"\bwhile\s+(?:the\s+|an\s+)?(?:ambulance|paramedics?|help|they)\b|\bin\s+the\s+mean\s*time\b|\bstop\s+(?:saying|repeating|telling)\b|\bjust\s+tell\s+me\b"
        ),
        False,
    ),
]

INTENT_TOPICS: Dict[str, str] = {
    "ask_what_is_sepsis": "what_is_sepsis",
    "ask_sepsis_signs_children": "signs",
    "ask_sepsis_signs_adults": "signs",
    "ask_signs_dark_skin": "skin_look",
    "ask_glass_test": "glass_test",
    "ask_fever_home_care": "home_care",
    "ask_medicines": "medicines",
    "ask_take_temperature": "take_temperature",
    "ask_when_to_get_help": "who_to_call",
    "ask_is_sepsis_contagious": "contagious",
    "ask_sepsis_meningitis": "meningitis",
    "ask_nursery_school": "nursery_school",
    "sent_home_from_ae": "sent_home_worse",
}


def find_topics(text: str, intent: Optional[str] = None, intent_confidence: float = 0.0, limit: int = 2) -> List[str]:
    """The question topics this message asks about, most specific first (at most `limit`:
    "should I give calpol while we wait" asks two things)."""
    t = normalise(text)
    question = is_question(t)
    found: List[str] = []
    for topic, pattern, needs_question in TOPICS:
        if topic not in found and (question or not needs_question) and pattern.search(t):
            found.append(topic)
    if len(found) > 1 and "what_to_do" in found:
        found.remove("what_to_do")  # "what do I do if she has a fit": the fit is the question
    if not found and intent in INTENT_TOPICS and intent_confidence >= 0.6 and question:
        found.append(INTENT_TOPICS[intent])
    return found[:limit]


def find_topic(text: str, intent: Optional[str] = None, intent_confidence: float = 0.0) -> Optional[str]:
    """The main question topic this message asks about, or None."""
    topics = find_topics(text, intent, intent_confidence, limit=1)
    return topics[0] if topics else None


ON_THE_WAY = re.compile(
    r"\b(?:on\s+(?:our|my|the|her|his|their)\s+way|in\s+the\s+car|driving\s+(?:to|him|her|them)|(?:called|rang|phoned|ringing|calling|phoning|dialled|dialed)\s+(?:999|an\s+ambulance|the\s+ambulance|111)|"
    r"ambulance\s+(?:is\s+|s\s+)?(?:on\s+(?:its|the|it)\s+way|coming|here|booked|arrived|outside)|paramedics?\s+(?:are\s+|is\s+)?(?:here|coming|on)|"
    r"(?:at|in|arrived\s+at|waiting\s+(?:at|in))\s+(?:the\s+)?(?:a&e|hospital|resus)|going\s+(?:to|now)|leaving\s+now|(?:999|111)\s+(?:now|called)|ok(?:ay)?\s+(?:calling|ringing|going))\b"
)
WORRY = re.compile(
    r"\b(?:worried|worrying|scared|frightened|terrified|panicking|anxious|not\s+right|not\s+(?:her|him|them)sel(?:f|ves)|gut\s+(?:feeling|says|tells)|something\s+(?:is\s+|s\s+)?(?:wrong|off))\b"
)
THANKS_ONLY = re.compile(
    r"^\s*(?:ok(?:ay)?|k|thanks?|thank\s+you|ta|cheers|thx|ty|great|right|fine|will\s+do|got\s+it|understood)[\s.!,]*(?:thanks?|thank\s+you|ta|cheers)?[\s.!]*$"
)


def on_the_way(text: str) -> bool:
    return bool(ON_THE_WAY.search(normalise(text)))


def worried(text: str) -> bool:
    return bool(WORRY.search(normalise(text)))
