"""/layers/: the layers anyone may see (staff also the staff-only ones), each with its
description, attributes, coordinate system, source, licence and downloads."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gis_layers.exporters import CRS84, FORMATS, export_cached, formats_for
from gis_layers.joins import joins_visible_to
from gis_layers.permissions import (
    can_edit_features,
    can_export,
    can_import,
    can_manage_layers,
    can_view_layer,
    ensure,
)
from gis_layers.schema import FIELD_TYPES
from gis_layers.selectors import layer_for, layers_with_counts


@require_GET
def layer_list(request):
    return render(request, "gis_layers/layer_list.html", {"layers": layers_with_counts(request.user)})


@require_GET
def layer_detail(request, slug: str):
    layer = layer_for(request.user, slug)
    context = {
        "layer": layer,
        "fields": [(f, FIELD_TYPES[f.type]) for f in layer.fields],
        "count": layer.features.live().count(),
        "formats": formats_for(layer),
        "joins": joins_visible_to(request.user, layer),
        "joined_to": [
            j for j in layer.joined_to.select_related("layer") if can_view_layer(request.user, j.layer)
        ],
        "crs_text": _("EPSG:4326 (WGS 84, longitude/latitude in degrees)"),
        "can_edit": can_edit_features(request.user, layer),
        "can_import": can_import(request.user, layer),
        "can_manage": can_manage_layers(request.user),
    }
    return render(request, "gis_layers/layer_detail.html", context)


@require_GET
def layer_download(request, slug: str, fmt: str):
    layer = layer_for(request.user, slug)
    ensure(can_export(request.user, layer))
    if fmt not in {f.key for f in formats_for(layer)}:
        raise Http404(_("There is no download format “%(f)s”.") % {"f": fmt})
    spec = FORMATS[fmt]
    joins = joins_visible_to(request.user, layer)
    path = export_cached(layer, fmt, joins)
    response = FileResponse(
        open(path, "rb"),
        as_attachment=True,
        filename=f"{layer.slug}{spec.suffix}",
        content_type=spec.content_type,
    )
    response["Content-Crs"] = f"<{CRS84}>"
    public = layer.is_public and all(j.table.is_public for j in joins)
    response["Cache-Control"] = "public, max-age=60" if public else "private, no-store"
    return response
