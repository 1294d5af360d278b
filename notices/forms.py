"""Forms of the notices pages: they parse input only; the rules live in services/."""

from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from city.models import District, Street
from notices.models import Notice
from notices.services.notices import NoticeInput

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class NoticeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Notice.Kind.choices)
    nature = forms.ChoiceField(
        label=_("Planned or emergency"), choices=Notice.Nature.choices, widget=forms.RadioSelect
    )
    title_uk = forms.CharField(label=_("Title (Ukrainian)"), max_length=200, required=False)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)
    text_uk = forms.CharField(
        label=_("Text (Ukrainian)"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000
    )
    text_en = forms.CharField(
        label=_("Text (English)"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000
    )
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DATETIME, required=False)
    ends_at = forms.DateTimeField(label=_("Expected end"), widget=DATETIME, required=False)
    service = forms.TypedChoiceField(label=_("Responsible service"), coerce=int, choices=())
    phone = forms.CharField(label=_("Service phone for residents"), max_length=40, required=False)
    area_method = forms.ChoiceField(
        label=_("Area"), choices=Notice.AreaMethod.choices, widget=forms.RadioSelect
    )
    geojson = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2_000_000)
    streets = forms.TypedMultipleChoiceField(label=_("Streets"), coerce=int, required=False, choices=())
    building_addresses = forms.CharField(
        label=_("Buildings (one address per line)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=20_000,
    )
    districts = forms.TypedMultipleChoiceField(label=_("Districts"), coerce=int, required=False, choices=())
    lat = forms.FloatField(widget=forms.HiddenInput, required=False)
    lon = forms.FloatField(widget=forms.HiddenInput, required=False)
    metres = forms.IntegerField(label=_("Radius, metres"), required=False, min_value=10, max_value=20_000)
    area_label_uk = forms.CharField(label=_("Area in words (Ukrainian)"), max_length=500, required=False)
    area_label_en = forms.CharField(label=_("Area in words (English)"), max_length=500, required=False)
    comment = forms.CharField(label=_("What changed (kept in the history)"), max_length=500, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [(s.pk, s.name) for s in services]
        self.fields["streets"].choices = [(s.pk, s.name) for s in Street.objects.order_by("name_uk")]
        self.fields["districts"].choices = [(d.pk, d.name) for d in District.objects.order_by("name_uk")]

    def area_source(self, building_ids: list[int]) -> dict:
        d = self.cleaned_data
        method = d["area_method"]
        if method == Notice.AreaMethod.POLYGON:
            return {"geojson": d.get("geojson") or ""}
        if method == Notice.AreaMethod.STREETS:
            return {"streets": d.get("streets") or []}
        if method == Notice.AreaMethod.BUILDINGS:
            return {"buildings": building_ids, "addresses": d.get("building_addresses", "")}
        if method == Notice.AreaMethod.DISTRICTS:
            return {"districts": d.get("districts") or []}
        return {"lat": d.get("lat"), "lon": d.get("lon"), "metres": d.get("metres")}

    def notice_input(self, building_ids: list[int]) -> NoticeInput:
        d = self.cleaned_data
        return NoticeInput(
            kind=d["kind"],
            nature=d["nature"],
            title_uk=d["title_uk"],
            title_en=d["title_en"],
            text_uk=d["text_uk"],
            text_en=d["text_en"],
            starts_at=d.get("starts_at"),
            ends_at=d.get("ends_at"),
            service_id=d["service"],
            phone=d["phone"],
            area_method=d["area_method"],
            area_source=self.area_source(building_ids),
            area_label_uk=d["area_label_uk"],
            area_label_en=d["area_label_en"],
        )

    @classmethod
    def initial_of(cls, notice: Notice) -> dict:
        source = notice.area_source or {}
        initial = {
            name: getattr(notice, name)
            for name in ("kind", "nature", "title_uk", "title_en", "text_uk", "text_en", "phone", "area_method",
                         "area_label_uk", "area_label_en", "version")
        }  # fmt: skip
        initial.update(
            starts_at=notice.starts_at,
            ends_at=notice.ends_at,
            service=notice.service_id,
            geojson=json.dumps(json.loads(notice.area.geojson)),
            streets=source.get("streets", []),
            districts=source.get("districts", []),
            building_addresses=source.get("addresses", ""),
            lat=source.get("lat"),
            lon=source.get("lon"),
            metres=source.get("metres"),
        )
        return initial


class CheckForm(forms.Form):
    address = forms.CharField(label=_("Your address"), max_length=200, required=False)
    lat = forms.FloatField(widget=forms.HiddenInput, required=False)
    lon = forms.FloatField(widget=forms.HiddenInput, required=False)


class SubscribeForm(CheckForm):
    email = forms.EmailField(label=_("E-mail"), required=False)
    by_email = forms.BooleanField(label=_("By e-mail"), required=False, initial=True)
    by_sms = forms.BooleanField(label=_("By SMS"), required=False)
    phone = forms.CharField(label=_("Mobile phone for SMS"), max_length=20, required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is cancelled (residents read it)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CloseForm(forms.Form):
    answer_uk = forms.CharField(
        label=_("Closing answer (Ukrainian)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
    )
    answer_en = forms.CharField(
        label=_("Closing answer (English)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class LinkForm(forms.Form):
    numbers = forms.CharField(label=_("Registration numbers of requests"), max_length=2000, required=False)
