"""The buildings as a collection of the OGC API – Features (/ogc/collections/buildings): the
public fields only (address and floors; the data sheets are staff-only). Registered in
HousingRegistryConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext as _

from gis_layers.ogcapi.collections import Collection, Queryable


def buildings_collection() -> Collection:
    return Collection(
        id="buildings",
        title=_("Buildings"),
        description=_(
            "Outlines of the apartment buildings with their address and floors (the data sheets are staff-only)."
        ),
        geometry="polygon",
        queryables=[
            Queryable("address", "string", _("Address"), column="b.address"),
            Queryable("floors", "integer", _("Floors"), column="b.floors"),
        ],
        table="housing_registry_building",
        alias="b",
        base_where="true",
        base_params={},
        geometry_column="footprint",
        properties_sql="json_build_object('address', p.address, 'floors', p.floors)",
        page_columns="b.address, b.floors",
        source=_("Horishni Plavni housing registry (demo data)"),
        version_source="buildings",
    )
