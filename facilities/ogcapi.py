"""The facilities as a collection of the OGC API – Features (/ogc/collections/facilities):
public categories only. Registered in FacilitiesConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext as _

from facilities.filters import category_tree
from gis_layers.ogcapi.collections import Collection, Queryable


def facilities_collection() -> Collection:
    # Hidden categories are named (usually none): no join is needed to filter (see facilities/sql.py).
    tree = category_tree()
    hidden = sorted(tree.hidden_leaves)
    where = "f.category_id <> ALL (%(hidden)s)" if hidden else "true"
    return Collection(
        id="facilities",
        title=_("Facilities"),
        description=_(
            "Public places of the city: schools, pharmacies, offices, stops … (public categories only)."
        ),
        geometry="point",
        queryables=[
            Queryable(
                "category",
                "string",
                _("Category"),
                column="(SELECT c.slug FROM facilities_category c WHERE c.id = f.category_id)",
            ),
            Queryable("name_uk", "string", _("Name (Ukrainian)"), column="f.name_uk"),
            Queryable("address", "string", _("Address"), column="f.address"),
        ],
        table="facilities_facility",
        alias="f",
        base_where=where,
        base_params={"hidden": hidden} if hidden else {},
        geometry_column="location",
        properties_sql=(
            "json_build_object('name_uk', p.name_uk, 'name_en', p.name_en, 'category', p.category, "
            "'address', p.address, 'phones', to_json(p.phones), 'opening_hours', p.opening_hours, "
            "'website', p.website, 'url', '/facilities/' || p.id || '/')"
        ),
        page_columns=(
            "f.name_uk, f.name_en, (SELECT c.slug FROM facilities_category c WHERE c.id = f.category_id) AS category, "
            "f.address, f.phones, f.opening_hours, f.website"
        ),
        license="",
        source=_("Horishni Plavni city portal; pharmacies and clinics: NHSU registers via Texty.org.ua"),
        version_source="facilities",
    )
