"""The Django admin of GIS layers follows gis_layers/permissions.py like the pages and the API:
an editor sees and changes only the features of layers he is granted, moves a feature only
between two such layers, and a save based on an older version is refused (the API's lock)."""

from __future__ import annotations

import json

import pytest

from gis_layers.models import Feature, Layer
from gis_layers.services import feature_create, feature_update
from tests.admin_forms import admin_client, change_url, changelist_url, form_data
from tests.gis_layers.conftest import make_layer, point


@pytest.fixture
def secret_points(gisadmin):
    """A staff-only point layer with one feature (same fields as the public shelters)."""
    layer = make_layer(gisadmin, slug="test-secret-points", visibility="staff", title_uk="Закриті точки")
    feature_create(layer=layer, actor=gisadmin, geometry=point(0.01), properties={"name": "Таємний пункт"})
    return layer


def only_feature(layer: Layer) -> Feature:
    return Feature.objects.get(layer=layer)


def test_an_editor_without_a_grant_neither_lists_nor_opens_a_staff_only_layers_features(
    editor, secret_points
):
    client = admin_client("editor")
    feature = only_feature(secret_points)
    assert change_url(feature) not in client.get(changelist_url(Feature)).content.decode()
    assert "Закриті точки" not in client.get(changelist_url(Layer)).content.decode()
    page = client.get(change_url(feature), follow=True)
    assert "Таємний пункт" not in page.content.decode()
    posted = client.post(change_url(feature), {"layer": secret_points.pk, "properties": "{}"})
    assert posted.status_code in (302, 403)
    feature.refresh_from_db()
    assert feature.properties == {"name": "Таємний пункт"} and feature.version == 1


def test_an_editor_sees_a_public_layers_features_read_only_without_a_grant(editor, shelters):
    client = admin_client("editor")
    feature = Feature.objects.filter(layer=shelters).first()
    page = client.get(change_url(feature))
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    refused = client.post(change_url(feature), {"layer": shelters.pk, "properties": "{}"})
    assert refused.status_code == 403


def test_a_granted_editor_saves_on_top_of_the_current_version(editor, secret_points):
    secret_points.editors.add(editor)
    client = admin_client("editor")
    feature = only_feature(secret_points)
    form = client.get(change_url(feature))
    assert form.status_code == 200
    saved = client.post(change_url(feature), form_data(form, properties=json.dumps({"name": "Новий пункт"})))
    assert saved.status_code == 302
    feature.refresh_from_db()
    assert feature.properties["name"] == "Новий пункт" and feature.version == 2
    assert feature.history.first().history_user == editor


def test_a_stale_admin_save_is_refused_and_the_newer_version_kept(editor, gisadmin, secret_points):
    secret_points.editors.add(editor)
    client = admin_client("editor")
    feature = only_feature(secret_points)
    opened = client.get(change_url(feature))  # the editor opens version 1 ...
    feature_update(feature=feature, actor=gisadmin, version=1, properties={"name": "Зміна колеги"})
    stale = client.post(change_url(feature), form_data(opened, properties=json.dumps({"name": "Моя зміна"})))
    assert stale.status_code == 200
    assert "someone else saved this record after you opened it" in stale.content.decode()
    feature.refresh_from_db()
    assert feature.properties["name"] == "Зміна колеги" and feature.version == 2


def test_a_save_without_the_version_is_refused(editor, secret_points):
    secret_points.editors.add(editor)
    client = admin_client("editor")
    feature = only_feature(secret_points)
    opened = client.get(change_url(feature))
    data = form_data(opened, properties=json.dumps({"name": "Без версії"}), base_version=None)
    assert client.post(change_url(feature), data).status_code == 200
    feature.refresh_from_db()
    assert feature.properties["name"] == "Таємний пункт"


def test_moving_a_staff_feature_into_a_public_layer_needs_rights_on_both(editor, secret_points, shelters):
    secret_points.editors.add(editor)
    client = admin_client("editor")
    feature = only_feature(secret_points)
    opened = client.get(change_url(feature))
    offered = {layer.pk for layer in opened.context["adminform"].form.fields["layer"].queryset}
    granted = set(Layer.objects.filter(editors=editor, deleted_at=None).values_list("pk", flat=True))
    assert offered == granted and secret_points.pk in offered and shelters.pk not in offered
    refused = client.post(change_url(feature), form_data(opened, layer=shelters.pk))
    assert refused.status_code == 200
    feature.refresh_from_db()
    assert feature.layer_id == secret_points.pk  # anonymous visitors never see it

    shelters.editors.add(editor)
    opened = client.get(change_url(feature))
    moved = client.post(change_url(feature), form_data(opened, layer=shelters.pk))
    assert moved.status_code == 302
    feature.refresh_from_db()
    assert feature.layer_id == shelters.pk


def test_history_cannot_be_replayed_through_the_admin(editor, gisadmin, secret_points):
    secret_points.editors.add(editor)
    feature = only_feature(secret_points)
    feature_update(feature=feature, actor=gisadmin, version=1, properties={"name": "Друга версія"})
    first = feature.history.order_by("history_id").first()
    url = f"/admin/gis_layers/feature/{feature.pk}/history/{first.history_id}/"
    assert admin_client("editor").post(url, {"layer": secret_points.pk}).status_code == 403
    feature.refresh_from_db()
    assert feature.properties["name"] == "Друга версія"


def test_gis_admin_and_superuser_see_every_layer_and_feature(secret_points, shelters):
    feature = only_feature(secret_points)
    for username in ("gisadmin", "admin"):
        client = admin_client(username)
        assert (
            change_url(feature)
            in client.get(changelist_url(Feature), {"layer__id__exact": secret_points.pk}).content.decode()
        )
        assert "Закриті точки" in client.get(changelist_url(Layer)).content.decode()
        assert client.get(change_url(feature)).context["has_change_permission"]


def test_a_resident_is_sent_to_log_in(resident, shelters):
    feature = Feature.objects.filter(layer=shelters).first()
    page = admin_client("resident").get(change_url(feature))
    assert page.status_code == 302 and "/login/" in page.url


def test_properties_that_are_not_an_object_are_refused_with_a_message(editor, secret_points):
    secret_points.editors.add(editor)
    client = admin_client("editor")
    feature = only_feature(secret_points)
    opened = client.get(change_url(feature))
    refused = client.post(change_url(feature), form_data(opened, properties='"just text"'))
    assert refused.status_code == 200
    assert "must be an object" in refused.content.decode()
    feature.refresh_from_db()
    assert feature.version == 1


def test_an_editor_sees_a_staff_only_layer_in_the_admin_once_granted(editor, secret_points):
    assert "Закриті точки" not in admin_client("editor").get(changelist_url(Layer)).content.decode()
    secret_points.editors.add(editor)
    client = admin_client("editor")
    assert "Закриті точки" in client.get(changelist_url(Layer)).content.decode()
    assert not client.get(change_url(secret_points)).context["has_change_permission"]  # grants are city IT's


def test_imports_are_listed_only_for_those_who_import_or_started_them(editor, gisadmin, secret_points):
    from django.contrib.auth.models import Permission

    from gis_layers.models import ImportJob

    job = ImportJob.objects.create(layer=secret_points, created_by=gisadmin, original_name="закриті.csv")
    editor.user_permissions.add(Permission.objects.get(codename="view_importjob"))
    client = admin_client("editor")
    assert change_url(job) not in client.get(changelist_url(ImportJob)).content.decode()
    assert "закриті.csv" not in client.get(change_url(job), follow=True).content.decode()
    assert change_url(job) in admin_client("gisadmin").get(changelist_url(ImportJob)).content.decode()
