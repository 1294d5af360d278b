"""Hiding personal data in the published text of a public request.

The text residents write often holds a phone number, an e-mail address, a flat number, a
tax or passport number, an IBAN, their own name or a neighbour's. The published version
replaces them; the original stays visible to the applicant and to the staff who handle it.

Names are found by meaning, not by spelling: Ukrainian inflects a name in seven cases
(«Олена», «Олени», «Олені», «Оленою»), so each capitalised word is looked up in the
Ukrainian dictionary (pymorphy3) and hidden when it can be a given name, a surname or a
patronymic. Street names are not hidden although many are surnames («вулиця Шевченка»).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from functools import lru_cache

import pymorphy3

from city.models import Street

HIDDEN = "[…]"

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Phone numbers as Ukrainians write them: +380 50 123 45 67, 050-123-45-67, (050) 123-45-67,
# (05348) 2-00-15, 0501234567, 2-21-40 (a local number). A run of digits with separators.
PHONE = re.compile(r"(?<![\w/])(?:\+\s?)?\(?(?:\d[\s\-–().]{0,3}){5,14}\d(?![\w/])")
# Flat numbers: "кв. 45", "квартира 12", "кв.7", "apt 5", "flat 3".
FLAT = re.compile(
    r"(?i)(?<!\w)(кв\.?|квартир[аиіуою]*|apt\.?|apartment|flat)\s*№?\s*\d+(?:[-/]?[а-яієїґa-z])?(?!\w)"
)
# Identity numbers: IBAN, passport (series + number, or the 9-digit ID card), tax number
# (РНОКПП, 10 digits) and bank cards are caught as long digit runs by PHONE.
IBAN = re.compile(r"(?i)\bUA\s?\d{2}(?:\s?\d){25}\b")
PASSPORT = re.compile(r"(?<!\w)[А-ЯІЇЄҐA-Z]{2}\s?№?\s?\d{6}(?!\w)")
# Dates and times look like phone numbers to a regular expression; they are not personal.
DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?|\d{1,2}[./]\d{1,2}[./]\d{2,4}")

WORD = re.compile(r"[A-Za-zА-ЯІЇЄҐа-яіїєґ'’ʼ-]+")
INITIAL = re.compile(r"(?<!\w)[A-ZА-ЯІЇЄҐ]\.(?:\s?[A-ZА-ЯІЇЄҐ]\.)?")
NAME_TAGS = {"Name", "Surn", "Patr"}
# The words that name a street's kind: the capitalised words after them are the street.
STREET_KINDS = {
    "вулиця", "вулиці", "вулицю", "вулицею", "вул", "проспект", "проспекту", "проспекті",
    "проспектом", "просп", "пр-т", "провулок", "провулку", "провулком", "пров", "бульвар",
    "бульвару", "бульварі", "бул", "площа", "площі", "площу", "площею", "пл", "майдан",
    "майдані", "майдану", "шосе", "узвіз", "узвозі", "проїзд", "проїзді",
}  # fmt: skip
# English puts the kind after the name: "Shevchenko Street".
STREET_KINDS_AFTER = {"street", "st", "avenue", "ave", "lane", "square", "road", "boulevard"}
# Words that put a name after them: «пан Петренко», «Mr Smith».
HONORIFICS = {"пан", "пані", "пана", "панові", "паном", "mr", "mrs", "ms", "miss", "dr", "sir"}
# Common English given names: an English sentence has no dictionary of names here, so a
# small list of the frequent ones (capitalised only, so "will" or "grace" in text stay).
ENGLISH_NAMES = set(
    """
    james john robert michael william david richard joseph thomas charles christopher daniel
    matthew anthony mark donald steven paul andrew joshua kenneth kevin brian george timothy
    ronald edward jason jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin
    scott brandon benjamin samuel gregory alexander frank patrick raymond jack dennis jerry
    tyler aaron jose adam nathan henry peter zachary douglas harold kyle noah carl arthur
    gerald roger keith jeremy terry lawrence sean christian albert joe ethan austin jesse
    willie billy bryan bruce jordan ralph roy alan wayne eugene juan louis russell gabriel
    randy philip harry vincent bobby johnny logan mary patricia jennifer linda elizabeth
    barbara susan jessica sarah karen lisa nancy betty margaret sandra ashley kimberly emily
    donna michelle carol amanda dorothy melissa deborah stephanie rebecca sharon laura cynthia
    kathleen amy angela shirley anna brenda pamela emma nicole helen samantha katherine
    christine debra rachel carolyn janet catherine maria heather diane ruth julie olivia
    joyce virginia victoria kelly lauren christina joan evelyn judith megan andrea cheryl
    hannah jacqueline martha gloria teresa ann sara madison frances kathryn janice jean
    abigail alice judy sophia julia marie denise amber doris marilyn danielle beverly isabella
    theresa diana natalie brittany charlotte marie kayla alexis lori oliver harry charlie
    """.split()
)
_TRANSLIT = str.maketrans(
    {"a": "а", "b": "б", "v": "в", "h": "г", "g": "г", "d": "д", "e": "е", "z": "з", "y": "и",
     "i": "і", "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "r": "р", "s": "с",
     "t": "т", "u": "у", "f": "ф", "c": "ц", "j": "й", "w": "в", "x": "кс", "q": "к"}
)  # fmt: skip
_DIGRAPHS = (("shch", "щ"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"), ("ch", "ч"), ("sh", "ш"),
             ("yu", "ю"), ("ya", "я"), ("ye", "є"), ("yi", "ї"), ("iy", "ій"))  # fmt: skip

_lock = threading.Lock()
_analyser = None


def morph():
    """The Ukrainian morphological analyser, loaded once per process (about 0.1 s, 15 MB)."""
    global _analyser
    if _analyser is None:
        with _lock:
            if _analyser is None:
                _analyser = pymorphy3.MorphAnalyzer(lang="uk")
    return _analyser


@lru_cache(maxsize=20000)
def _parses(word: str) -> tuple[tuple[str, bool], ...]:
    """(normal form, is a personal name) of each reading of `word`."""
    return tuple((p.normal_form, bool(NAME_TAGS & p.tag.grammemes)) for p in morph().parse(word))


def _is_cyrillic(word: str) -> bool:
    return bool(re.search(r"[а-яіїєґ]", word.lower()))


def _latin_to_cyrillic(word: str) -> str:
    word = word.lower()
    for latin, cyrillic in _DIGRAPHS:
        word = word.replace(latin, cyrillic)
    return word.translate(_TRANSLIT)


def _name_lemmas(names: Iterable[str]) -> tuple[set[str], set[str]]:
    """The applicant's name parts: (normal forms of the Cyrillic ones, Latin words as written)."""
    lemmas, latin = set(), set()
    for name in names:
        for part in WORD.findall(name or ""):
            part = part.strip("'’ʼ-")
            if len(part) < 2:
                continue
            if _is_cyrillic(part):
                lemmas.add(part.lower())
                lemmas.update(form for form, _ in _parses(part.lower()))
            else:
                latin.add(part.lower())
    return lemmas, latin


def _street_words() -> set[tuple[str, ...]]:
    """The city's street names as word sequences without the kind word («лесі українки»)."""
    phrases = set()
    for name_uk, name_en in Street.objects.values_list("name_uk", "name_en"):
        for name in (name_uk, name_en):
            words = tuple(w.lower() for w in WORD.findall(name or "") if w.lower() not in STREET_KINDS)
            if words:
                phrases.add(words)
    return phrases


def _looks_like_name(word: str) -> tuple[bool, bool]:
    """(may be a personal name, is only a personal name) for a capitalised word."""
    if _is_cyrillic(word):
        parses = _parses(word.lower())
    elif word.lower() in ENGLISH_NAMES:
        return True, True
    else:
        # A Ukrainian name written in Latin letters (Kovalenko, Olena): its Cyrillic spelling
        # is a known name. English words rarely transliterate into one.
        parses = _parses(_latin_to_cyrillic(word))
        if not morph().word_is_known(_latin_to_cyrillic(word)):
            return False, False
    may = any(is_name for _, is_name in parses)
    only = may and all(is_name for _, is_name in parses)
    return may, only


def _mask_names(text: str, names: Iterable[str], streets: set[tuple[str, ...]] | None) -> str:
    lemmas, latin = _name_lemmas(names)
    tokens = list(WORD.finditer(text))
    lowered = [t.group(0).lower().strip("'’ʼ-") for t in tokens]
    protected: set[int] = set()
    for phrase in streets if streets is not None else _street_words():
        size = len(phrase)
        for i in range(len(tokens) - size + 1):
            if tuple(lowered[i : i + size]) == phrase:
                protected.update(range(i, i + size))
    for i, low in enumerate(lowered):
        j = i - 1
        # "Shevchenko Street", "Lesi Ukrainky Street": the capitalised words just before it.
        while low in STREET_KINDS_AFTER and j >= max(0, i - 3) and tokens[j].group(0)[:1].isupper():
            protected.add(j)
            if text[tokens[j - 1].end() : tokens[j].start()].strip() if j else True:
                break
            j -= 1
    hide: set[int] = set()
    for i, token in enumerate(tokens):
        word = token.group(0).strip("'’ʼ-")
        low = lowered[i]
        previous = lowered[i - 1] if i else ""
        if i in protected or len(word) < 2:
            continue
        # "вул. Героїв Дніпра": the capitalised words after a street's kind name the street.
        after_kind = i >= 2 and lowered[i - 2] in STREET_KINDS and i - 1 in protected and word[0].isupper()
        if previous in STREET_KINDS or after_kind:
            protected.add(i)
            continue
        if _is_cyrillic(word) and lemmas:
            readings = _parses(low)
            # The applicant's own name in any case, also written in small letters.
            if (
                low in lemmas
                or any(form in lemmas and is_name for form, is_name in readings)
                or (word[0].isupper() and any(form in lemmas for form, _ in readings))
            ):
                hide.add(i)
                continue
        if not _is_cyrillic(word) and (
            low.removesuffix("'s") in latin or _latin_to_cyrillic(low.removesuffix("'s")) in lemmas
        ):
            hide.add(i)
            continue
        if not word[0].isupper() or word.isupper():
            continue
        start = i == 0 or bool(re.search(r"[.!?\n]\s*$", text[tokens[i - 1].end() : token.start()]))
        # «Коваленко О.», «О. Коваленко»: an initial next to the word makes it a name.
        if INITIAL.match(text, token.end() + 1) or re.search(
            r"(?<!\w)[A-ZА-ЯІЇЄҐ]\.\s?$", text[: token.start()]
        ):
            start = False
        may, only = _looks_like_name(word)
        if may and (only or not start or previous in HONORIFICS):
            hide.add(i)
        elif may and i + 1 < len(tokens) and tokens[i + 1].group(0)[:1].isupper():
            # «Віра Коваленко» at a sentence start: a name when the next word is one too.
            nxt = tokens[i + 1].group(0)
            if _looks_like_name(nxt)[0]:
                hide.add(i)
        if previous in HONORIFICS and word[0].isupper():
            hide.add(i)
    if not hide:
        return text
    # One […] for a run of hidden words («Олена Коваленко»).
    spans: list[list[int]] = []
    for i in sorted(hide):
        token = tokens[i]
        if spans and i - 1 in hide and not text[tokens[i - 1].end() : token.start()].strip():
            spans[-1][1] = token.end()
        else:
            spans.append([token.start(), token.end()])
    out, last = [], 0
    for start, end in spans:
        out += [text[last:start], HIDDEN]
        last = end
    out.append(text[last:])
    masked = "".join(out)
    # Initials next to a hidden name: «Коваленко О.», «О. П. Коваленко».
    return re.sub(
        rf"(?:{re.escape(HIDDEN)}\s*{INITIAL.pattern}|{INITIAL.pattern}\s*{re.escape(HIDDEN)})",
        HIDDEN,
        masked,
    )


def text_mask_personal_data(
    text: str, *, names: Iterable[str] = (), streets: set[tuple[str, ...]] | None = None
) -> str:
    """`text` with e-mails, IBANs, passport, tax, phone and flat numbers, the applicant's
    `names` (in any grammatical case) and other personal names hidden. `streets`: the
    city's street names as from _street_words(), read from the database when not given."""
    if not text:
        return text
    masked = EMAIL.sub(HIDDEN, text)
    masked = IBAN.sub(HIDDEN, masked)
    masked = PASSPORT.sub(HIDDEN, masked)
    masked = _mask_phones(masked)
    masked = FLAT.sub(lambda m: f"{m.group(1)} {HIDDEN}", masked)
    return _mask_names(masked, names, streets)


def street_names() -> set[tuple[str, ...]]:
    """The street names to keep, read once for masking many texts (the data migration)."""
    return _street_words()


def _mask_phones(text: str) -> str:
    parts, last = [], 0
    for date in DATE.finditer(text):
        parts += [PHONE.sub(_phone_or_keep, text[last : date.start()]), date.group(0)]
        last = date.end()
    parts.append(PHONE.sub(_phone_or_keep, text[last:]))
    return "".join(parts)


def _phone_or_keep(match: re.Match) -> str:
    found = match.group(0)
    # House numbers and distances are short; phone, tax and card numbers have 6 digits or more.
    if len(re.sub(r"\D", "", found)) < 6:
        return found
    return HIDDEN
