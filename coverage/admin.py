"""Service types and resident counts are edited by staff in the admin; a change to a type's
categories recomputes its distances in the background, a new threshold or speed its figures."""

from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.admin_base import LabelledChangelistAdmin
from coverage.models import ResidentCount, ServiceType
from coverage.services import service_type_changed


class ServiceTypeForm(forms.ModelForm):
    class Meta:
        model = ServiceType
        fields = (
            "slug",
            "name_uk",
            "name_en",
            "categories",
            "threshold_m",
            "walking_speed_kmh",
            "order",
            "is_public",
        )

    def clean_threshold_m(self):
        value = self.cleaned_data["threshold_m"]
        if value is None or value <= 0:
            raise forms.ValidationError(_("The walking threshold must be more than 0 m."))
        return value

    def clean_categories(self):
        categories = self.cleaned_data["categories"]
        if not categories:
            raise forms.ValidationError(_("Choose at least one facility category."))
        groups = [c.name for c in categories if c.parent_id is None]
        if groups:
            raise forms.ValidationError(
                _("Choose categories, not groups: %(groups)s.") % {"groups": ", ".join(groups)}
            )
        return categories


@admin.register(ServiceType)
class ServiceTypeAdmin(LabelledChangelistAdmin, admin.ModelAdmin):
    form = ServiceTypeForm
    list_display = ("name_uk", "name_en", "slug", "threshold_m", "walking_speed_kmh", "is_public", "order")
    list_editable = ("order",)
    filter_horizontal = ("categories",)
    prepopulated_fields = {"slug": ("name_en",)}

    def save_related(self, request, form, formsets, change):
        before = set(form.instance.categories.values_list("pk", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        after = set(form.instance.categories.values_list("pk", flat=True))
        distances_changed = not change or before != after
        if distances_changed or {"threshold_m", "walking_speed_kmh"} & set(form.changed_data):
            instance = form.instance
            transaction.on_commit(
                lambda: service_type_changed(service_type=instance, distances_changed=distances_changed)
            )


@admin.register(ResidentCount)
class ResidentCountAdmin(admin.ModelAdmin):
    list_display = ("building", "residents", "as_of", "source")
    raw_id_fields = ("building",)
    search_fields = ("building__address",)
