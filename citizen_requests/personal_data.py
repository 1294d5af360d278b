"""Hiding personal data in the published text of a public request.

The text residents write often holds a phone number, an e-mail address, a flat number or
their own name. The published version replaces them; the original stays visible to the
applicant and to the staff who handle the request.
"""

from __future__ import annotations

import re

HIDDEN = "[…]"

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Phone numbers as Ukrainians write them: +380 50 123 45 67, 050-123-45-67, (05348) 2-00-15,
# 0501234567, 2-21-40 (a local number). A run of digits with separators, 6 digits or more.
PHONE = re.compile(r"(?<![\w/])\(?(?:\+?\d[\s\-–().]{0,3}){5,14}\d(?![\w/])")
# Flat numbers: "кв. 45", "квартира 12", "кв.7", "apt 5", "flat 3".
FLAT = re.compile(r"(?i)\b(кв\.?|квартира|квартирі|квартири|apt\.?|apartment|flat)\s*№?\s*\d+[а-яa-z]?")
# Identity numbers: tax number (РНОКПП, 10 digits), passport series+number, bank cards, IBAN.
IBAN = re.compile(r"(?i)\bUA\d{2}[\s\d]{20,32}\b")
PASSPORT = re.compile(r"\b[А-ЯІЇЄҐA-Z]{2}\s?\d{6}\b")


def text_mask_personal_data(text: str, *, names: tuple[str, ...] = ()) -> str:
    """`text` with e-mails, phone numbers, flat and identity numbers and the given names hidden."""
    masked = EMAIL.sub(HIDDEN, text)
    masked = IBAN.sub(HIDDEN, masked)
    masked = PASSPORT.sub(HIDDEN, masked)
    masked = _mask_phones(masked)
    masked = FLAT.sub(lambda m: f"{m.group(1)} {HIDDEN}", masked)
    for name in names:
        for part in {p for p in re.split(r"\s+", name or "") if len(p) >= 3}:
            masked = re.sub(rf"(?i)(?<!\w){re.escape(part)}(?!\w)", HIDDEN, masked)
    return masked


# Dates and times look like phone numbers to a regular expression; they are not personal.
DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?|\d{1,2}[./]\d{1,2}[./]\d{2,4}")


def _mask_phones(text: str) -> str:
    parts, last = [], 0
    for date in DATE.finditer(text):
        parts += [PHONE.sub(_phone_or_keep, text[last : date.start()]), date.group(0)]
        last = date.end()
    parts.append(PHONE.sub(_phone_or_keep, text[last:]))
    return "".join(parts)


def _phone_or_keep(match: re.Match) -> str:
    found = match.group(0)
    # House numbers and distances are short; phone numbers have 6 digits or more.
    if len(re.sub(r"\D", "", found)) < 6:
        return found
    return HIDDEN
