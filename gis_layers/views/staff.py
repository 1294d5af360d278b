"""/staff/layers/: layers for staff — the list, new layers and their settings (fields, style,
editors) for GIS admins, the features of a layer with deleted ones, a feature's history with
restore, and the map editor for layer editors."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from gis_layers.exceptions import InvalidLayer, LayerError
from gis_layers.forms import FieldForm, FieldFormSet, LayerForm, StyleForm
from gis_layers.models import ImportJob, Layer, LayerJoin
from gis_layers.permissions import (
    can_create_layer,
    can_edit_features,
    can_import,
    can_manage_layers,
    can_see_history,
    ensure,
    is_staff,
)
from gis_layers.selectors import feature_for, feature_versions, layer_for, layer_summary, layers_with_counts
from gis_layers.services import (
    feature_restore,
    join_create,
    join_delete,
    layer_create,
    layer_delete,
    layer_restore,
    layer_update,
)
from gis_layers.services.layers import SETTINGS as LAYER_SETTINGS


def staff_required(view):
    @login_required
    def wrapped(request, *args, **kwargs):
        if not is_staff(request.user):
            raise PermissionDenied(_("This page is for the council's staff."))
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@staff_required
def staff_layers(request):
    user = request.user
    layers = list(layers_with_counts(user))
    for layer in layers:
        layer.can_edit = can_edit_features(user, layer)
        layer.can_import = can_import(user, layer)
    deleted = (
        Layer.objects.exclude(deleted_at=None).order_by("-deleted_at") if can_manage_layers(user) else []
    )
    imports = ImportJob.objects.select_related("layer", "created_by")[:10] if can_manage_layers(user) else []
    return render(
        request,
        "gis_layers/staff_layers.html",
        {
            "layers": layers,
            "deleted": deleted,
            "imports": imports,
            "can_create": can_create_layer(user),
            "can_manage": can_manage_layers(user),
        },
    )


def _field_forms(request, layer: Layer | None):
    if request.method == "POST":
        return FieldFormSet(request.POST, prefix="fields")
    initial = [FieldForm.initial_for(f) for f in layer.fields] if layer else []
    return FieldFormSet(prefix="fields", initial=initial)


def _style_form(request, layer: Layer | None, field_names):
    titles = {f.name: f.title for f in layer.fields} if layer else {}
    if request.method == "POST":
        return StyleForm(request.POST, prefix="style", field_names=field_names, field_titles=titles)
    return StyleForm(
        prefix="style", field_names=field_names, field_titles=titles, initial=layer.style if layer else None
    )


def _collect(fieldset):
    specs, renames = [], {}
    for form in fieldset.forms:
        if not form.has_changed() and not form.cleaned_data.get("original"):
            continue
        if form.cleaned_data.get("DELETE") or not form.cleaned_data.get("name"):
            continue
        spec = form.spec()
        specs.append(spec)
        original = form.cleaned_data.get("original")
        if original and original != spec.name:
            renames[original] = spec.name
    return specs, renames


def _layer_form_page(request, layer: Layer | None):
    has_features = bool(layer and layer.features.exists())
    form = LayerForm(request.POST or None, instance=layer, has_features=has_features)
    fieldset = _field_forms(request, layer)
    names = [f.name for f in layer.fields] if layer else []
    if request.method == "POST":
        names = [
            request.POST.get(f"fields-{i}-name", "")
            for i in range(int(request.POST.get("fields-TOTAL_FORMS", 0)))
        ]
    style = _style_form(request, layer, [n for n in names if n])
    problems: list[str] = []
    if request.method == "POST" and form.is_valid() and fieldset.is_valid() and style.is_valid():
        specs, renames = _collect(fieldset)
        d = form.cleaned_data
        settings = {k: d[k] for k in LAYER_SETTINGS}
        try:
            if layer is None:
                layer = layer_create(
                    actor=request.user,
                    slug=d["slug"],
                    geometry_type=d["geometry_type"],
                    fields=specs,
                    style=style.cleaned_data,
                    editors=d["editors"],
                    **settings,
                )
                messages.success(request, _("The layer “%(t)s” was created.") % {"t": layer.title})
            else:
                layer = layer_update(
                    layer=layer,
                    actor=request.user,
                    fields=specs,
                    renames=renames,
                    style=style.cleaned_data,
                    geometry_type=d.get("geometry_type") if not has_features else None,
                    editors=d["editors"],
                    **settings,
                )
                messages.success(request, _("The layer “%(t)s” was saved.") % {"t": layer.title})
            return redirect("staff-layer-settings", layer.slug)
        except LayerError as exc:
            problems = [exc.message]
            for key, message in getattr(exc, "errors", {}).items():
                if key in form.fields:
                    form.add_error(key, message)
    elif request.method == "POST":
        problems = [_("Some values need correcting; see the messages by the fields.")]
    return render(
        request,
        "gis_layers/layer_form.html",
        {
            "layer": layer,
            "form": form,
            "fieldset": fieldset,
            "style": style,
            "problems": problems,
            **(_joins_context(layer) if layer else {}),
        },
        status=400 if problems else 200,
    )


def _joins_context(layer: Layer) -> dict:
    """The joins of a layer (as the spatial layer or as the table) and what it may be joined to."""
    joins = LayerJoin.objects.filter(Q(layer=layer) | Q(table=layer)).select_related("layer", "table")
    others = Layer.objects.live().exclude(pk=layer.pk)
    others = others.exclude(geometry_type="none") if layer.is_table else others.filter(geometry_type="none")
    return {
        "joins": joins,
        "join_candidates": others.order_by("title_uk"),
        "cardinalities": LayerJoin.Cardinality.choices,
    }


@staff_required
def layer_new(request):
    ensure(can_create_layer(request.user))
    return _layer_form_page(request, None)


@staff_required
def layer_settings(request, slug: str):
    ensure(can_manage_layers(request.user))
    layer = layer_for(request.user, slug, include_deleted=True)
    if request.method == "POST" and request.POST.get("action") in ("delete", "restore"):
        if request.POST["action"] == "delete":
            layer_delete(layer=layer, actor=request.user)
            messages.success(
                request, _("The layer “%(t)s” was deleted; it can be restored below.") % {"t": layer.title}
            )
            return redirect("staff-layers")
        layer_restore(layer=layer, actor=request.user)
        messages.success(request, _("The layer “%(t)s” was restored.") % {"t": layer.title})
        return redirect("staff-layer-settings", layer.slug)
    return _layer_form_page(request, layer)


@staff_required
def layer_features(request, slug: str):
    layer = layer_for(request.user, slug)
    show = request.GET.get("show", "live")
    features = layer.features.select_related("updated_by").order_by("-updated_at", "-id")
    features = features.exclude(deleted_at=None) if show == "deleted" else features.live()
    page = Paginator(features, 50).get_page(request.GET.get("page"))
    label = layer.style.get("label_field") or (layer.fields[0].name if layer.fields else "")
    return render(
        request,
        "gis_layers/features.html",
        {
            "layer": layer,
            "page": page,
            "show": show,
            "label": label,
            "can_edit": can_edit_features(request.user, layer),
        },
    )


@staff_required
def feature_history(request, slug: str, pk: int):
    layer = layer_for(request.user, slug)
    ensure(can_see_history(request.user, layer))
    feature = feature_for(layer, pk, include_deleted=True)
    can_edit = can_edit_features(request.user, layer)
    if request.method == "POST":
        ensure(can_edit)
        history_id = request.POST.get("history_id")
        try:
            feature = feature_restore(
                feature=feature,
                actor=request.user,
                history_id=int(history_id) if history_id else None,
                version=int(request.POST.get("version") or 0) or None,
            )
            messages.success(
                request, _("Restored: the feature is now at version %(v)d.") % {"v": feature.version}
            )
        except (ValueError, LayerError) as exc:
            messages.error(request, getattr(exc, "message", str(exc)))
        return redirect("staff-feature-history", layer.slug, feature.pk)
    return render(
        request,
        "gis_layers/feature_history.html",
        {
            "layer": layer,
            "feature": feature,
            "versions": feature_versions(feature),
            "fields": layer.fields,
            "can_edit": can_edit,
        },
    )


@staff_required
def editor(request, slug: str):
    layer = layer_for(request.user, slug)
    if not can_edit_features(request.user, layer):
        raise PermissionDenied(_("You are not an editor of this layer; a GIS admin can grant it."))
    if layer.is_table:  # no map to draw on: its rows are listed (and imported) instead
        return redirect("staff-layer-features", slug=layer.slug)
    from core.maps import editor_map

    summary = layer_summary(layer)
    config = {
        "layer": summary,
        "api": reverse("api-layer-features", args=[layer.slug]),
        "historyUrl": reverse("staff-feature-history", args=[layer.slug, 0]).replace("/0/", "/{id}/"),
        "lang": get_language(),
        "strings": {
            "yes": _("yes"),
            "no": _("no"),
            "loaded": _(
                "Features in view: %s. Click one to edit it, or draw a new one with the tools on the map."
            ),
            "selected": _("Feature %s selected: change its attributes or its shape, then save."),
            "feature": _("Feature %s"),
            "newFeature": _("New feature"),
            "drawn": _("Drawn. Fill in the attributes and save (or cancel)."),
            "unsaved": _("The shape was changed; save to keep it."),
            "saving": _("Saving…"),
            "saved": _("Saved: feature %s, version %v."),
            "deleted": _("Feature %s deleted. Undo brings it back; it also stays in the history."),
            "undone": _("The last change was undone."),
            "cancelled": _("Cancelled; nothing was saved."),
            "checkFields": _("Some values need correcting; see the messages by the fields."),
            "conflict": _(
                "Someone else saved this feature meanwhile. Its current state is shown now; make your change again."
            ),
            "failed": _("Saving failed (no connection?). Nothing was changed; try again."),
            "joined": _("Joined tables (read-only)"),
            "noRows": _("No rows for this feature."),
        },
    }
    rendered = editor_map(layer=layer, config=config, label=_("Map editor: %(t)s") % {"t": layer.title})
    return render(
        request,
        "gis_layers/editor.html",
        {
            "layer": layer,
            "map": rendered,
            "fields": layer.fields,
            "config_json": json.dumps(config, ensure_ascii=False),
        },
    )


@staff_required
def layer_joins(request, slug: str):
    """Join an attribute table to a layer, or undo a join — from either layer's settings page."""
    ensure(can_manage_layers(request.user))
    layer = layer_for(request.user, slug)
    if request.method != "POST":
        return redirect(reverse("staff-layer-settings", args=[layer.slug]) + "#joins")
    if request.POST.get("delete"):
        join = (
            LayerJoin.objects.filter(pk=request.POST["delete"])
            .filter(Q(layer=layer) | Q(table=layer))
            .first()
        )
        if join is not None:
            join_delete(actor=request.user, join=join)
            messages.success(request, _("The join was removed; the rows of both layers stay as they were."))
        return redirect(reverse("staff-layer-settings", args=[layer.slug]) + "#joins")
    other = Layer.objects.live().filter(slug=request.POST.get("other", "")).first()
    spatial, table = (other, layer) if layer.is_table else (layer, other)
    try:
        if other is None:
            raise InvalidLayer(_("Choose the layer to join."), {"other": _("is required")})
        join_create(
            actor=request.user,
            layer=spatial,
            table=table,
            layer_field=request.POST.get("layer_field", ""),
            table_field=request.POST.get("table_field", ""),
            cardinality=request.POST.get("cardinality", LayerJoin.Cardinality.ONE),
            name=request.POST.get("name", "").strip(),
        )
    except InvalidLayer as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Joined: “%(t)s” now shows with “%(l)s”.") % {"t": table.title, "l": spatial.title}
        )
    return redirect(reverse("staff-layer-settings", args=[layer.slug]) + "#joins")
