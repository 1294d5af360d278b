"""The sections of a building data sheet: which fields each holds (pure data, no queries).

A section is the unit of responsibility: an organisation is responsible for some sections
(permissions.py) and edits them one at a time (services.building_section_update). The
registry's import and export columns are the fields of the sections in this order.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    fields: tuple[str, ...]
    # Sections without fields are lists kept beside the sheet (documents).
    editable_in_form: bool = True


SECTIONS: tuple[Section, ...] = (
    Section(
        "identification",
        _("Identification"),
        ("cadastral_number", "registry_number", "district"),
    ),
    Section(
        "construction",
        _("Construction"),
        (
            "year_built",
            "series",
            "wall_material",
            "floors",
            "entrances",
            "apartments",
            "non_residential_premises",
            "total_area",
            "living_area",
            "common_area",
            "roof_type",
            "has_basement",
            "has_technical_floor",
        ),
    ),
    Section(
        "heating",
        pgettext_lazy("building system", "Heating"),
        ("heating_type", "heating_provider", "has_heat_meter"),
    ),
    Section(
        "water",
        _("Water and sewerage"),
        ("cold_water", "hot_water", "sewerage", "has_water_meter"),
    ),
    Section(
        "energy",
        _("Gas and electricity"),
        ("gas_supply", "stoves", "has_gas_meter", "has_electricity_meter"),
    ),
    Section("elevators", _("Elevators"), ("elevators",)),
    Section(
        "management",
        _("Management"),
        (
            "management_form",
            "condominium_name",
            "condominium_chair",
            "chair_phone",
            "managing_company",
            "responsible_person",
            "responsible_phone",
            "emergency_phone",
        ),
    ),
    Section(
        "condition",
        _("Condition"),
        (
            "technical_state",
            "last_major_repair_year",
            "last_current_repair_year",
            "energy_class",
            "has_ramp",
            "has_wheelchair_lift",
            "accessibility_notes",
        ),
    ),
    Section("documents", _("Documents"), (), editable_in_form=False),
    Section("notes", _("Notes"), ("notes",)),
)

SECTION_BY_SLUG: dict[str, Section] = {s.slug: s for s in SECTIONS}
SECTION_SLUGS: tuple[str, ...] = tuple(s.slug for s in SECTIONS)
SECTION_CHOICES = [(s.slug, s.title) for s in SECTIONS]
# Every field a person edits on the sheet, in sheet order; history diffs and restores cover these.
SHEET_FIELDS: tuple[str, ...] = tuple(f for s in SECTIONS for f in s.fields)
FIELD_SECTION: dict[str, str] = {f: s.slug for s in SECTIONS for f in s.fields}

# A work record concerns one system of the building; the section responsible for that
# system decides who may log works on it.
SYSTEM_SECTION = {
    "structure": "construction",
    "roof": "construction",
    "facade": "construction",
    "basement": "construction",
    "heating": "heating",
    "hot_water": "water",
    "cold_water": "water",
    "sewerage": "water",
    "gas": "energy",
    "electricity": "energy",
    "elevator": "elevators",
    "general": "condition",
}


def section_of_field(field: str) -> str | None:
    return FIELD_SECTION.get(field)
