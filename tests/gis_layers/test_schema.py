"""The attribute schema: fields <-> JSON Schema, the one check of properties, and the style."""

from __future__ import annotations

import jsonschema
import pytest

from gis_layers.schema import FieldSpec, SchemaError, fields_from_schema, properties_clean, schema_from_fields
from gis_layers.styles import style_clean

FIELDS = [
    FieldSpec("name", "Назва", "Name", "string", required=True, max_length=50),
    FieldSpec("kind", "Тип", "Kind", "string", choices=["парк", "сквер"]),
    FieldSpec("trees", "Дерев", "Trees", "integer", minimum=0, maximum=10000, unit="шт"),
    FieldSpec("area", "Площа", "Area", "number", minimum=0, unit="га"),
    FieldSpec("lit", "Освітлено", "Lit", "boolean"),
    FieldSpec("opened", "Відкрито", "Opened", "date"),
    FieldSpec("notes", "Примітки", "Notes", "text"),
]


def test_fields_are_stored_as_json_schema_and_read_back_in_order():
    schema = schema_from_fields(FIELDS)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["required"] == ["name"] and schema["x-order"] == [f.name for f in FIELDS]
    assert schema["properties"]["trees"] == {
        "title": "Дерев",
        "x-title-en": "Trees",
        "x-unit": "шт",
        "type": "integer",
        "minimum": 0,
        "maximum": 10000,
    }
    assert schema["properties"]["opened"]["format"] == "date"
    back = fields_from_schema(schema)
    assert [f.as_dict() for f in back] == [
        {**f.as_dict(), "max_length": f.max_length or (1000 if f.type in ("string", "text") else None)}
        for f in FIELDS
    ]


@pytest.mark.parametrize(
    "data",
    [
        {"name": "Парк", "kind": "парк", "trees": 12, "area": 1.5, "lit": True, "opened": "2020-05-01"},
        {"name": "Сквер"},
        {"name": "", "trees": -1},
        {"name": "x" * 51},
        {"name": "A", "kind": "ліс"},
        {"name": "A", "colour": "red"},
        {"name": "A", "area": 2, "lit": False},
    ],
)
def test_our_check_agrees_with_json_schema(data):
    schema = schema_from_fields(FIELDS)
    ours = not properties_clean(FIELDS, data)[1]
    theirs = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).is_valid(data)
    assert ours == theirs


def test_values_from_forms_and_files_are_converted():
    clean, errors = properties_clean(
        FIELDS,
        {
            "name": " Парк ",
            "trees": "1 200",
            "area": "2,5",
            "lit": "так",
            "opened": "31.03.2025",
            "kind": "",
            "notes": None,
        },
    )
    assert errors == {}
    assert clean == {"name": "Парк", "trees": 1200, "area": 2.5, "lit": True, "opened": "2025-03-31"}


def test_each_problem_is_named_by_field():
    _clean, errors = properties_clean(
        FIELDS,
        {"trees": "12.5", "area": "x", "lit": "maybe", "opened": "31.02.2025", "kind": "ліс", "extra": 1},
    )
    assert set(errors) == {"name", "trees", "area", "lit", "opened", "kind", "extra"}


@pytest.mark.parametrize(
    "fields, words",
    [
        ([FieldSpec("Name")], "cannot be a field name"),
        ([FieldSpec("id")], "reserved"),
        ([FieldSpec("a"), FieldSpec("a")], "twice"),
        ([FieldSpec("a", type="integer", minimum=5, maximum=1)], "minimum"),
        ([FieldSpec("a", type="integer", choices=["x"])], "allowed value"),
        ([FieldSpec("a", type="boolean", choices=["x"])], "allowed values"),
    ],
)
def test_bad_field_lists_are_refused(fields, words):
    from django.utils import translation

    with translation.override("en"), pytest.raises(SchemaError, match=words):
        schema_from_fields(fields)


def test_style_is_completed_and_checked():
    style = style_clean({"colour": "#112233", "line_width": "4", "label_field": "name"}, FIELDS)
    assert style["line_width"] == 4 and style["fill_opacity"] == 0.25 and style["label_field"] == "name"
    with pytest.raises(SchemaError):
        style_clean({"colour": "red"}, FIELDS)
    with pytest.raises(SchemaError):
        style_clean({"label_field": "nothing"}, FIELDS)
