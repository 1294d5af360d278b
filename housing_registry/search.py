"""Reading addresses as people type them: "вул. Миру 9", "вулиця миру, 9", "Мар’янська 4а".

Pure functions (no database): the selectors and the import use them to match buildings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Apostrophes Ukrainians type: ASCII, typographic right quote, modifier letter, backtick, prime.
APOSTROPHES = "'’ʼ`´‘′"
STREET_TYPE_WORDS = {
    "вулиця", "вул", "в", "проспект", "просп", "пр", "пр-т", "провулок", "пров", "пров-к",
    "бульвар", "бульв", "б-р", "площа", "пл", "проїзд", "узвіз", "шосе", "набережна", "наб",
    "мікрорайон", "мкр", "street", "st", "str", "avenue", "ave", "av", "lane", "ln",
    "boulevard", "blvd", "square", "sq", "road", "rd", "passage",
}  # fmt: skip
HOUSE_WORDS = {"буд", "будинок", "б", "д", "№", "no", "house"}
_TOKEN = re.compile(r"[^\w'\-/№]+", re.UNICODE)


def fold(text: str) -> str:
    """Lower case with every apostrophe made the ASCII one."""
    text = (text or "").lower()
    for mark in APOSTROPHES[1:]:
        text = text.replace(mark, "'")
    return text


# House letters typed in Latin that look like the Cyrillic ones of Ukrainian addresses.
LATIN_LOOKALIKES = str.maketrans({"a": "а", "b": "б", "v": "в", "e": "е", "c": "с"})


def fold_house(number: str) -> str:
    return fold(number).replace(" ", "").translate(LATIN_LOOKALIKES)


@dataclass(frozen=True)
class AddressQuery:
    words: tuple[str, ...]  # street name words, folded, street-type words dropped
    house: str  # the house number, folded ("9а", "12/1"), or ""

    @property
    def empty(self) -> bool:
        return not self.words and not self.house


def parse_address(text: str) -> AddressQuery:
    """Split typed text into street-name words and a house number."""
    tokens = [t.strip("-'/") for t in _TOKEN.split(fold(text).replace(".", " "))]
    words, house = [], ""
    for token in tokens:
        if not token or token in STREET_TYPE_WORDS or token in HOUSE_WORDS:
            continue
        if token.startswith("№"):
            token = token.lstrip("№")
        if token[:1].isdigit():
            house = fold_house(token)
        else:
            words.append(token)
    return AddressQuery(tuple(words), house)


def address_key(street_name: str, house_number: str) -> str:
    """A key equal for every way of writing the same address (for exact matching)."""
    street = parse_address(street_name)
    return " ".join(street.words) + "|" + fold_house(house_number)
