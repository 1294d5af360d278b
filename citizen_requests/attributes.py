"""The questions of a category (Open311 service definition attributes) and their answers.

One definition serves the web form and Open311: each attribute is a dict with `code`,
`datatype` (string, number, datetime, text, singlevaluelist, multivaluelist), `required`,
`order`, `description_uk/_en`, optional `datatype_description_uk/_en` and, for lists,
`values` [{key, name_uk, name_en}], and `public` (default false): whether the answer is
published with a public request (free text then with personal data hidden) or seen only by
the applicant and the staff.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from citizen_requests.exceptions import InvalidAttribute
from citizen_requests.personal_data import text_mask_personal_data

DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")
# Every category also asks this (Open311 apps cannot know the portal's public/confidential choice).
CONFIDENTIAL_ATTRIBUTE = {
    "code": "confidential",
    "datatype": "singlevaluelist",
    "required": False,
    "order": 100,
    "description_uk": "Конфіденційне звернення: не публікувати на порталі",
    "description_en": "Confidential request: do not publish it on the portal",
    "values": [
        {"key": "no", "name_uk": "ні, опублікувати (без персональних даних)", "name_en": "no, publish it (without personal data)"},
        {"key": "yes", "name_uk": "так, бачать лише служба і заявник", "name_en": "yes, only the service and the applicant see it"},
    ],
}  # fmt: skip


def localized(attribute: Mapping, key: str) -> str:
    """`description` or `datatype_description` in the active language (Ukrainian fallback)."""
    if (get_language() or "uk").startswith("en") and attribute.get(f"{key}_en"):
        return attribute[f"{key}_en"]
    return attribute.get(f"{key}_uk", "")


def value_name(value: Mapping) -> str:
    if (get_language() or "uk").startswith("en") and value.get("name_en"):
        return value["name_en"]
    return value.get("name_uk", str(value.get("key", "")))


def attributes_clean(definitions: Sequence[Mapping], raw: Mapping[str, Sequence[str]]) -> dict:
    """Answers checked against the definitions: {code: value or [values]}; unknown codes are
    ignored, a missing required answer or a wrong value raises InvalidAttribute."""
    answers: dict = {}
    for attribute in sorted(definitions, key=lambda a: a.get("order", 0)):
        code = attribute["code"]
        values = [str(v).strip() for v in raw.get(code, []) if str(v).strip()]
        label = localized(attribute, "description") or code
        if not values:
            if attribute.get("required"):
                raise InvalidAttribute(
                    _("Please answer: %(question)s") % {"question": label}, field=f"attr_{code}"
                )
            continue
        datatype = attribute.get("datatype", "string")
        keys = [str(v["key"]) for v in attribute.get("values", [])]
        if datatype == "multivaluelist":
            wrong = [v for v in values if v not in keys]
            if wrong:
                raise InvalidAttribute(
                    _("“%(value)s” is not one of the choices for: %(question)s")
                    % {"value": wrong[0], "question": label},
                    field=f"attr_{code}",
                )
            answers[code] = sorted(set(values), key=keys.index)
            continue
        value = values[0]
        if datatype == "singlevaluelist" and value not in keys:
            raise InvalidAttribute(
                _("“%(value)s” is not one of the choices for: %(question)s")
                % {"value": value, "question": label},
                field=f"attr_{code}",
            )
        if datatype == "number":
            try:
                number = float(value.replace(",", "."))
            except ValueError:
                raise InvalidAttribute(
                    _("A number is expected for: %(question)s") % {"question": label}, field=f"attr_{code}"
                ) from None
            answers[code] = int(number) if number.is_integer() else number
            continue
        if datatype == "datetime":
            parsed = parse_datetime(value) or _date_only(value)
            if parsed is None:
                raise InvalidAttribute(
                    _("A date and time such as 2026-03-01T08:00 is expected for: %(question)s")
                    % {"question": label},
                    field=f"attr_{code}",
                )
            answers[code] = parsed.isoformat()
            continue
        limit = 4000 if datatype == "text" else 255
        answers[code] = value[:limit] if datatype == "text" else " ".join(value.split())[:limit]
    return answers


def _date_only(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.combine(dt.date.fromisoformat(value), dt.time())
    except ValueError:
        return None


def is_public_attribute(attribute: Mapping) -> bool:
    """An answer is published only when its question says so; by default it stays private."""
    return attribute.get("public") is True


def answers_display(
    definitions: Sequence[Mapping], answers: Mapping, *, public: bool = False, names: Sequence[str] = ()
) -> list[tuple[str, str]]:
    """(question, answer) pairs for a request page, in the active language. `public`: for
    someone who may not see personal data — private answers left out, free text masked
    (`names`: the applicant's, hidden in any case)."""
    out = []
    for attribute in sorted(definitions, key=lambda a: a.get("order", 0)):
        code = attribute["code"]
        if code not in answers or (public and not is_public_attribute(attribute)):
            continue
        names_of = {str(v["key"]): value_name(v) for v in attribute.get("values", [])}
        value = answers[code]
        shown = (
            ", ".join(names_of.get(str(v), str(v)) for v in value)
            if isinstance(value, list)
            else names_of.get(str(value), str(value))
        )
        if public and attribute.get("datatype", "string") in ("string", "text"):
            shown = text_mask_personal_data(shown, names=names)
        out.append((localized(attribute, "description") or code, shown))
    return out
