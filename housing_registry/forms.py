"""Forms of the registry's pages: filters, sheet sections, elevators, works, documents, imports."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from citizen_requests.models import Service
from city.models import District
from housing_registry.models import Building, BuildingDocument, Contractor, WorkRecord
from housing_registry.reports import BUILDING_GROUPS, REPORTS, WORK_GROUPS
from housing_registry.sections import SECTION_BY_SLUG
from housing_registry.selectors import UNKNOWN_CHOICE, BuildingFilters, WorkFilters
from housing_registry.staff_map import COLOUR_ATTRIBUTES


def _with_unknown(choices):
    return [("", _("any")), *choices, (UNKNOWN_CHOICE, _("unknown"))]


class BuildingFilterForm(forms.Form):
    """Search and filters of the list, the map, the API and the exports (GET parameters)."""

    q = forms.CharField(
        label=_("Address or registry number"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. вул. Миру, 9")}),
    )
    district = forms.ModelChoiceField(
        District.objects.all(), label=_("District"), required=False, empty_label=_("any")
    )
    management_form = forms.ChoiceField(
        label=_("Management form"), required=False, choices=_with_unknown(Building.ManagementForm.choices)
    )
    technical_state = forms.ChoiceField(
        label=_("Technical state"), required=False, choices=_with_unknown(Building.TechnicalState.choices)
    )
    heating_type = forms.ChoiceField(
        label=pgettext_lazy("building system", "Heating"),
        required=False,
        choices=_with_unknown(Building.HeatingType.choices),
    )
    heating_provider = forms.ModelChoiceField(
        Service.objects.filter(heated_buildings__isnull=False).distinct(),
        label=_("Heat supplier"),
        required=False,
        empty_label=_("any"),
    )
    wall_material = forms.ChoiceField(
        label=_("Wall material"), required=False, choices=_with_unknown(Building.WallMaterial.choices)
    )
    floors_min = forms.IntegerField(label=_("Floors from"), required=False, min_value=1, max_value=40)
    floors_max = forms.IntegerField(label=_("Floors to"), required=False, min_value=1, max_value=40)
    year_min = forms.IntegerField(label=_("Built from"), required=False, min_value=1800, max_value=2100)
    year_max = forms.IntegerField(label=_("Built until"), required=False, min_value=1800, max_value=2100)

    def filters(self) -> BuildingFilters:
        """The filters given (invalid values are ignored, as a filter form should)."""
        data = (
            self.cleaned_data
            if self.is_valid()
            else {k: v for k, v in getattr(self, "cleaned_data", {}).items()}
        )
        return BuildingFilters(
            q=data.get("q") or "",
            district=data["district"].pk if data.get("district") else None,
            management_form=data.get("management_form") or "",
            technical_state=data.get("technical_state") or "",
            heating_type=data.get("heating_type") or "",
            heating_provider=data["heating_provider"].pk if data.get("heating_provider") else None,
            wall_material=data.get("wall_material") or "",
            floors_min=data.get("floors_min"),
            floors_max=data.get("floors_max"),
            year_min=data.get("year_min"),
            year_max=data.get("year_max"),
        )

    def criteria(self) -> list[str]:
        """The filters in words, for report and export headers."""
        out = []
        if not self.is_valid():
            return out
        for name in BuildingFilterForm.base_fields:
            field = self.fields[name]
            value = self.cleaned_data.get(name)
            if value in (None, ""):
                continue
            if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
                value = dict(field.choices).get(value, value)
            out.append(f"{field.label}: {value}")
        return out


class MapForm(BuildingFilterForm):
    colour = forms.ChoiceField(label=_("Colour by"), required=False, choices=list(COLOUR_ATTRIBUTES.items()))


# -- sheet sections ---------------------------------------------------------------------------


class SectionForm(forms.ModelForm):
    """The fields of one section; `version` is the sheet version the form was opened at."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("heating_provider", "managing_company"):
            if name in self.fields:
                self.fields[name].queryset = Service.objects.filter(kind=Service.Kind.UTILITY)
                self.fields[name].empty_label = _("unknown / none")
        for name, field in self.fields.items():
            if isinstance(field, forms.TypedChoiceField) and field.choices and field.choices[0][0] == "":
                field.choices = [("", _("unknown")), *field.choices[1:]]
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs["rows"] = 3
            if name.endswith("_area"):
                field.widget.attrs["step"] = "0.1"


def section_form_class(section: str) -> type[SectionForm]:
    fields = [f for f in SECTION_BY_SLUG[section].fields if f != "elevators"]
    return forms.modelform_factory(Building, form=SectionForm, fields=fields)


class ElevatorForm(forms.Form):
    entrance = forms.IntegerField(label=_("Entrance"), min_value=1, max_value=30)
    year = forms.IntegerField(label=_("Year installed"), required=False, min_value=1950, max_value=2100)
    state = forms.ChoiceField(label=_("State"), choices=Building.ElevatorState.choices)
    capacity_kg = forms.IntegerField(label=_("Capacity, kg"), required=False, min_value=100, max_value=2000)


ElevatorFormSet = forms.formset_factory(ElevatorForm, extra=2, can_delete=True, max_num=120)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


# -- documents and works ---------------------------------------------------------------------


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=BuildingDocument.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(label=_("File"))


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(label=_("File"))


class WorkRecordForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = WorkRecord
        fields = (
            "system",
            "entrance",
            "kind",
            "title",
            "planned_date",
            "status",
            "done_date",
            "contractor",
            "cost",
            "notes",
        )
        widgets = {
            "planned_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "done_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, systems: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contractor"].empty_label = _("own staff / not chosen")
        self.fields["cost"].widget.attrs["step"] = "0.01"
        if systems is not None:
            self.fields["system"].choices = [c for c in WorkRecord.System.choices if c[0] in systems]


class WorkFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Address or registry number"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. вул. Миру, 9")}),
    )
    district = forms.ModelChoiceField(
        District.objects.all(), label=_("District"), required=False, empty_label=_("any")
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("any")), *WorkRecord.Kind.choices]
    )
    system = forms.ChoiceField(
        label=_("System"), required=False, choices=[("", _("any")), *WorkRecord.System.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("any")), *WorkRecord.Status.choices]
    )
    contractor = forms.ModelChoiceField(
        Contractor.objects.all(), label=_("Contractor"), required=False, empty_label=_("any")
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    building = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def filters(self) -> WorkFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return WorkFilters(
            building=data.get("building"),
            district=data["district"].pk if data.get("district") else None,
            kind=data.get("kind") or "",
            system=data.get("system") or "",
            status=data.get("status") or "",
            contractor=data["contractor"].pk if data.get("contractor") else None,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            overdue=bool(data.get("overdue")),
            q=data.get("q") or "",
        )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The period ends before it starts."))
        return data

    def criteria(self) -> list[str]:
        out = []
        if not self.is_valid():
            return out
        for name in WorkFilterForm.base_fields:
            field = self.fields[name]
            value = self.cleaned_data.get(name)
            if value in (None, "", False) or name == "building":
                continue
            if name == "overdue":
                value = _("yes")
            elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
                value = dict(field.choices).get(value, value)
            elif hasattr(value, "strftime"):
                value = value.strftime("%d.%m.%Y")
            out.append(f"{field.label}: {value}")
        return out


class ReportForm(WorkFilterForm, BuildingFilterForm):
    """Which report, grouped how, over which works or buildings."""

    report = forms.ChoiceField(label=_("Report"), choices=list(REPORTS.items()), initial="works")
    work_group = forms.ChoiceField(label=_("Works by"), required=False, choices=list(WORK_GROUPS.items()))
    building_group = forms.ChoiceField(
        label=_("Buildings by"), required=False, choices=list(BUILDING_GROUPS.items())
    )

    field_order = ["report", "work_group", "building_group"]

    def work_criteria(self) -> list[str]:
        return WorkFilterForm.criteria(self)


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"))


class ImportConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    skip_bad_rows = forms.BooleanField(label=_("Skip the wrong rows and import the others"), required=False)
