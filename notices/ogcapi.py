"""The notices in effect or planned as a collection of the OGC API – Features
(/ogcapi/collections/notices): published and not yet ended. Registered in NoticesConfig.ready()."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from gis_layers.ogcapi.collections import Collection, Queryable
from notices.models import Notice


def notices_collection() -> Collection:
    # "Not yet ended" is judged at the current minute: the parameter (not now()) is part of the
    # collection's cached count key, so an ended notice leaves the count within a minute.
    now = timezone.now().replace(second=0, microsecond=0)
    return Collection(
        id="notices",
        title=_("City notices"),
        description=_("Outages, road works and emergencies in effect or planned, with their areas."),
        geometry="polygon",
        queryables=[
            Queryable("kind", "string", _("Kind"), column="n.kind", enum=list(Notice.Kind.values)),
            Queryable(
                "nature",
                "string",
                _("Planned or emergency"),
                column="n.nature",
                enum=list(Notice.Nature.values),
            ),
        ],
        table="notices_notice",
        alias="n",
        base_where="n.status = 'published' AND n.ends_at > %(now)s",
        base_params={"now": now},
        geometry_column="area",
        properties_sql=(
            "json_build_object('kind', p.kind, 'nature', p.nature, 'title_uk', p.title_uk, 'title_en', p.title_en, "
            "'text_uk', p.text_uk, 'text_en', p.text_en, 'starts_at', p.starts_at, 'ends_at', p.ends_at, "
            "'phone', p.phone, 'url', '/notices/' || p.id || '/', 'cap', '/notices/' || p.id || '/cap.xml')"
        ),
        page_columns=(
            "n.kind, n.nature, n.title_uk, n.title_en, n.text_uk, n.text_en, n.starts_at, n.ends_at, n.phone"
        ),
        source=_("Horishni Plavni city portal"),
        version_source="notices",
    )
