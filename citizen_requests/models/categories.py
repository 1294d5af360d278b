"""What residents ask about: category groups, categories, and the routing rules that choose a
service (and deadline, priority, default owner) for a category in an area."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from citizen_requests.models.services import Service, ServiceArea
from core.models import BilingualNameModel

colour_validator = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour such as #1f77b4."))


class CategoryGroup(BilingualNameModel):
    """A group of request categories: roads, lighting, housing, water, ..."""

    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    icon = models.CharField(_("icon"), max_length=8)
    colour = models.CharField(_("colour"), max_length=7, validators=[colour_validator])
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("category group")
        verbose_name_plural = _("category groups")
        ordering = ["order", "slug"]


class Category(BilingualNameModel):
    """A kind of problem a resident reports; its slug is the Open311 service_code."""

    slug = models.SlugField(_("code"), max_length=50, unique=True)
    group = models.ForeignKey(
        CategoryGroup, verbose_name=_("group"), on_delete=models.PROTECT, related_name="categories"
    )
    icon = models.CharField(_("icon"), max_length=8)
    description_uk = models.TextField(_("description (Ukrainian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    keywords = models.CharField(_("keywords"), max_length=255, blank=True)
    area_kind = models.CharField(
        _("kind of service area"),
        max_length=20,
        choices=ServiceArea.Kind.choices,
        blank=True,
        help_text=_("Whose areas decide the service; empty: served city-wide."),
    )
    duplicate_radius_m = models.PositiveIntegerField(
        _("radius for similar requests, m"),
        default=250,
        validators=[MinValueValidator(10), MaxValueValidator(5000)],
    )
    attributes = models.JSONField(
        _("questions (Open311 attributes)"), default=list, blank=True, help_text=_("A list of attributes.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(
        auto_now=True, verbose_name=_("updated")
    )  # Open311 discovery's changeset

    class Meta:
        verbose_name = _("request category")
        verbose_name_plural = _("request categories")
        ordering = ["order", "slug"]

    @property
    def description(self) -> str:
        if (get_language() or "uk").startswith("en") and self.description_en:
            return self.description_en
        return self.description_uk


class RoutingRule(models.Model):
    """Category × optional service area → the responsible service, with the default owner,
    the deadline in working days and the priority the request gets. routing.py decides."""

    class Priority(models.TextChoices):
        LOW = "low", _("low")
        NORMAL = "normal", _("normal")
        HIGH = "high", _("high")
        URGENT = "urgent", _("urgent")

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="routing_rules"
    )
    area = models.ForeignKey(
        ServiceArea,
        verbose_name=_("service area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="routing_rules",
        help_text=_("Empty: the rule applies anywhere in the hromada (used when no area rule matches)."),
    )
    service = models.ForeignKey(
        Service, verbose_name=_("responsible service"), on_delete=models.PROTECT, related_name="routing_rules"
    )
    default_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("default process owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    deadline_days = models.PositiveSmallIntegerField(
        _("deadline, working days"), default=15, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["category__order", "category__slug", "area__kind", "area__name_uk", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "area"],
                condition=Q(is_active=True),
                nulls_distinct=False,
                name="routing_rule_one_active_per_category_area",
                violation_error_message=_("An active rule for this category and area exists already."),
            )
        ]

    def __str__(self) -> str:
        where = self.area.name if self.area_id else _("anywhere")
        return f"{self.category} / {where} → {self.service}"
