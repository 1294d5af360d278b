"""Forms of the staff pages: a layer's settings, its fields (the schema, one row per field — no
raw JSON), its style, and the import steps."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from gis_layers.importers.readers import ENCODINGS
from gis_layers.models import ImportJob, Layer
from gis_layers.schema import FIELD_TYPES, FieldSpec
from gis_layers.styles import DEFAULT_STYLE


class LayerForm(forms.ModelForm):
    class Meta:
        model = Layer
        fields = [
            "slug",
            "title_uk",
            "title_en",
            "description_uk",
            "description_en",
            "geometry_type",
            "visibility",
            "order",
            "source",
            "licence",
            "editors",
        ]
        widgets = {
            "description_uk": forms.Textarea(attrs={"rows": 3}),
            "description_en": forms.Textarea(attrs={"rows": 3}),
            "editors": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, has_features: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        users = get_user_model().objects.filter(is_active=True, is_staff=True, groups__name="Layer editors")
        self.fields["editors"].queryset = users.order_by("last_name", "username").distinct()
        self.fields["editors"].label_from_instance = lambda u: (
            f"{u.get_full_name() or u.username} ({u.username})"
        )
        if self.instance.pk:
            self.fields["slug"].disabled = True
            self.fields["slug"].help_text = _("The slug is part of links and cannot change.")
            if has_features:
                self.fields["geometry_type"].disabled = True
                self.fields["geometry_type"].help_text = _(
                    "The layer has features, so its geometry type stays."
                )


class FieldForm(forms.Form):
    original = forms.CharField(widget=forms.HiddenInput, required=False)
    name = forms.RegexField(
        label=_("Name in the data"),
        regex=r"^[a-z][a-z0-9_]{0,39}$",
        max_length=40,
        error_messages={"invalid": _("Small Latin letters, digits and _, starting with a letter.")},
    )
    title_uk = forms.CharField(label=_("Title (Ukrainian)"), max_length=100)
    title_en = forms.CharField(label=_("Title (English)"), max_length=100, required=False)
    type = forms.ChoiceField(label=_("Type"), choices=list(FIELD_TYPES.items()))
    required = forms.BooleanField(label=_("Required"), required=False)
    choices = forms.CharField(
        label=_("Allowed values"), required=False, help_text=_("Separated by commas; empty: any value.")
    )
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False)
    minimum = forms.FloatField(label=_("Minimum"), required=False)
    maximum = forms.FloatField(label=_("Maximum"), required=False)

    def spec(self) -> FieldSpec:
        d = self.cleaned_data
        return FieldSpec(
            name=d["name"],
            title_uk=d["title_uk"],
            title_en=d.get("title_en", ""),
            type=d["type"],
            required=d.get("required", False),
            choices=[c.strip() for c in (d.get("choices") or "").split(",") if c.strip()],
            unit=d.get("unit", ""),
            minimum=d.get("minimum"),
            maximum=d.get("maximum"),
        )

    @staticmethod
    def initial_for(spec: FieldSpec) -> dict:
        return {
            "original": spec.name,
            "name": spec.name,
            "title_uk": spec.title_uk,
            "title_en": spec.title_en,
            "type": spec.type,
            "required": spec.required,
            "choices": ", ".join(str(c) for c in spec.choices),
            "unit": spec.unit,
            "minimum": spec.minimum,
            "maximum": spec.maximum,
        }


# One empty row to add a field; "Add a field" (layer_form.js) clones the formset's empty form.
FieldFormSet = forms.formset_factory(FieldForm, extra=1, can_delete=True, max_num=60)


class StyleForm(forms.Form):
    colour = forms.CharField(label=_("Colour"), widget=forms.TextInput(attrs={"type": "color"}), max_length=7)
    icon = forms.CharField(
        label=_("Icon"),
        max_length=4,
        required=False,
        help_text=_("One symbol, e.g. ⌂ ♣ ✚ ♻ (letters work too)"),
    )
    # Lines and areas only: a point layer leaves them empty and keeps the defaults.
    line_width = forms.FloatField(label=_("Line width (px)"), min_value=0.5, max_value=20, required=False)
    fill_colour = forms.CharField(
        label=_("Fill colour"), widget=forms.TextInput(attrs={"type": "color"}), max_length=7, required=False
    )
    fill_opacity = forms.FloatField(
        label=_("Fill opacity"),
        min_value=0,
        max_value=1,
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.05"}),
    )
    label_field = forms.ChoiceField(label=_("Label field"), required=False)

    PATH_FIELDS = ("line_width", "fill_colour", "fill_opacity")
    FILL_FIELDS = ("fill_colour", "fill_opacity")

    def __init__(self, *args, field_names=(), field_titles=None, **kwargs):
        # A new layer starts from the default style (a visible blue, not the colour input's black).
        kwargs["initial"] = {**DEFAULT_STYLE, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        # A field is offered by its title in the page's language, with its name in the data.
        titles = field_titles or {}
        self.fields["label_field"].choices = [
            ("", "—"),
            *((n, f"{titles[n]} ({n})" if titles.get(n, n) != n else n) for n in field_names),
        ]
        for name in self.PATH_FIELDS:
            self.fields[name].widget.attrs["data-geometry"] = (
                "polygon" if name in self.FILL_FIELDS else "line polygon"
            )

    def clean(self):
        data = super().clean()
        for name in self.PATH_FIELDS:
            if data.get(name) in (None, ""):
                data[name] = DEFAULT_STYLE[name]
        return data


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "Shapefile (.zip with .shp, .shx, .dbf, .prj, .cpg), GeoPackage, GeoJSON, KML/KMZ or CSV."
        ),
    )
    encoding = forms.ChoiceField(
        label=_("Text encoding"),
        required=False,
        choices=[("", _("as the file says (or guess)")), *ENCODINGS.items()],
    )
    crs = forms.CharField(
        label=_("Coordinate system, if the file does not say"),
        required=False,
        max_length=60,
        help_text=_("e.g. EPSG:32636 (UTM 36N) or EPSG:4326"),
    )


def sublayer_label(sublayer: dict) -> str:
    """“Зупинки — Point, 12 features”: enough to pick the right table, folder or sheet of a file."""
    if "count" not in sublayer:
        return sublayer["name"]
    if not sublayer["geometry"]:
        return _("%(name)s — no geometry, %(n)d rows") % {"name": sublayer["name"], "n": sublayer["count"]}
    return _("%(name)s — %(geometry)s, %(n)d features") % {
        "name": sublayer["name"],
        "geometry": sublayer["geometry"] or _("no geometry"),
        "n": sublayer["count"],
    }


class ImportOptionsForm(forms.Form):
    """Reading options of a previewed import: changing them makes a new preview."""

    encoding = forms.ChoiceField(label=_("Text encoding"), required=False)
    crs = forms.CharField(
        label=_("Coordinate system, if the file does not say"), required=False, max_length=60
    )
    source_layer = forms.ChoiceField(label=_("Layer, folder or sheet of the file"), required=False)

    def __init__(self, *args, job: ImportJob, **kwargs):
        super().__init__(*args, **kwargs)
        preview = job.preview or {}
        self.fields["encoding"].choices = [("", _("as the file says (or guess)")), *ENCODINGS.items()]
        self.fields["source_layer"].choices = [
            (s["name"], sublayer_label(s))
            for s in preview.get("sublayers") or [{"name": n} for n in preview.get("layers", [])]
        ] or [("", "—")]
        columns = [("", _("— not imported —")), *((c, c) for c in preview.get("columns", []))]
        mapping = preview.get("mapping", {})
        for spec in job.layer.fields:
            self.fields[f"map_{spec.name}"] = forms.ChoiceField(
                label=spec.title, choices=columns, required=False, initial=mapping.get(spec.name, "")
            )
        self.initial.setdefault("encoding", job.options.get("encoding", ""))
        self.initial.setdefault("crs", job.options.get("crs", ""))
        self.initial.setdefault("source_layer", preview.get("layer", ""))

    def mapping_fields(self):
        return [self[name] for name in self.fields if name.startswith("map_")]

    def options(self) -> dict:
        d = self.cleaned_data
        return {
            "encoding": d.get("encoding", ""),
            "crs": d.get("crs", ""),
            "source_layer": d.get("source_layer", ""),
            "mapping": {k.removeprefix("map_"): v for k, v in d.items() if k.startswith("map_")},
        }


class ImportApplyForm(forms.Form):
    mode = forms.ChoiceField(label=_("How"), choices=ImportJob.Mode.choices, widget=forms.RadioSelect)
    key_field = forms.ChoiceField(label=_("Key field (for update by key)"), required=False)
    skip_bad_rows = forms.BooleanField(
        label=_("Skip the rows that do not fit, import the rest"), required=False
    )

    def __init__(self, *args, layer: Layer, **kwargs):
        kwargs.setdefault("initial", {"mode": ImportJob.Mode.APPEND})
        super().__init__(*args, **kwargs)
        self.fields["key_field"].choices = [("", "—"), *((f.name, f.title) for f in layer.fields)]
