# Over 400 lines: the admin of every model of the request workflow, one registration per model, kept in one module as Django expects.
"""The admin of the citizen requests app: services and their staff, categories, the routing
table (with a map of each rule's area), Open311 apps (api keys), and a read-only view of
requests scoped by the same visibility rule as every other interface."""

import json

from django.contrib import messages
from django.contrib.gis import admin
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.db.models import Count, Q
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html, format_html_join, json_script
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from citizen_requests import permissions
from citizen_requests.models import (
    ApiClient,
    ApprovalTemplate,
    ApprovalTemplateStep,
    Category,
    CategoryGroup,
    Event,
    Notification,
    Request,
    RoutingRule,
    Service,
    ServiceArea,
    ServiceMembership,
    WebhookDelivery,
    WebhookEndpoint,
)
from citizen_requests.selectors.requests import request_attachments_visible, services_unstaffed
from citizen_requests.services.api_clients import api_client_rekey, api_key_new
from city.admin_widgets import HromadaMapWidget
from city.models import Municipality
from core.maps import map_options


class ServiceAreaInline(admin.TabularInline):
    model = ServiceArea
    fields = ("name_uk", "kind", "source_id")
    extra = 0
    show_change_link = True


class ServiceMembershipInline(admin.TabularInline):
    model = ServiceMembership
    fields = ("user", "position", "unit")
    raw_id_fields = ("user",)
    extra = 0


@admin.register(Service)
class ServiceAdmin(admin.GISModelAdmin):
    gis_widget = HromadaMapWidget  # no CDN, no tiles, no inline script (CSP)
    list_display = ("name_uk", "kind", "staff_count", "phone", "email")
    list_filter = ("kind",)
    search_fields = ("name_uk", "name_en")
    inlines = [ServiceMembershipInline, ServiceAreaInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(staff_n=Count("memberships", filter=Q(memberships__user__is_active=True)))
        )

    @admin.display(description=_("staff on the portal"), ordering="staff_n")
    def staff_count(self, service):
        if service.staff_n or service.kind == Service.Kind.FRONT_OFFICE:
            return service.staff_n
        return format_html('<strong class="errornote-inline">{} ⚠</strong>', service.staff_n)

    def _warn_unstaffed(self, request, services) -> None:
        """Routing never dead-ends: name the services whose requests go to triage for want of staff."""
        names = [s.name for s in services]
        if names:
            messages.warning(
                request,
                gettext(
                    "No staff on the portal: %(services)s. Requests routed to them go to the front office's "
                    "triage; add their head and process owners below."
                )
                % {"services": ", ".join(names)},
            )

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            self._warn_unstaffed(request, services_unstaffed())
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET" and object_id and object_id.isdigit():
            self._warn_unstaffed(request, services_unstaffed().filter(pk=int(object_id)))
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(ServiceArea)
class ServiceAreaAdmin(admin.GISModelAdmin):
    gis_widget = HromadaMapWidget  # no CDN, no tiles, no inline script (CSP)
    list_display = ("name_uk", "kind", "service")
    list_filter = ("kind", "service")
    list_select_related = ("service",)
    search_fields = ("name_uk", "name_en")


@admin.register(CategoryGroup)
class CategoryGroupAdmin(admin.ModelAdmin):
    list_display = ("name_uk", "name_en", "slug", "icon", "colour", "order")


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name_uk", "slug", "group", "area_kind", "duplicate_radius_m", "is_active", "order")
    list_filter = ("group", "area_kind", "is_active")
    search_fields = ("name_uk", "name_en", "slug", "keywords")
    list_select_related = ("group",)


class AreaMapWidget:
    """A Leaflet map (vendored, no CDN) of a rule's area over the hromada's boundary (a rule
    without an area applies to all of it): staff see where the rule applies."""

    @staticmethod
    def _geojson(queryset, field: str) -> dict | None:
        value = queryset.annotate(g=AsGeoJSON(field, precision=5)).values_list("g", flat=True).first()
        return json.loads(value) if value else None

    @classmethod
    def render(cls, rule: RoutingRule | None) -> str:
        hromada = cls._geojson(Municipality.objects.all(), "boundary")
        area = (
            cls._geojson(ServiceArea.objects.filter(pk=rule.area_id), "area")
            if rule and rule.area_id
            else hromada
        )

        # The portal's one map front-end (static/js/map.js) draws it from this config.
        outline = {"color": "#64748b", "weight": 1, "dashArray": "4 4", "fill": False}
        config = map_options(
            zoom=12,
            layers=[
                {"call": "addGeoJSON", "options": {"data": hromada, "style": outline, "interactive": False}},
                {
                    "call": "addGeoJSON",
                    "options": {
                        "data": area,
                        "style": {"color": "#0b5fa5", "weight": 2, "fillOpacity": 0.15},
                        "fit": True,
                    },
                },
            ],
        )
        return format_html(
            '<div id="rule-area-map" data-misto-map="rule-area-config"'
            ' style="height: 22rem; width: 40rem; max-width: 100%; border: 1px solid #ccc"></div>{}'
            '<link rel="stylesheet" href="{}"><script src="{}"></script><script src="{}"></script>',
            json_script(config, "rule-area-config"),
            static("vendor/leaflet/leaflet.css"),
            static("vendor/leaflet/leaflet.js"),
            static("js/map.js"),
        )


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ("category", "area", "service", "deadline_days", "priority", "default_owner", "is_active")
    list_filter = ("is_active", "category__group", "area__kind", "service", "priority")
    list_select_related = ("category", "area", "service", "default_owner")
    search_fields = ("category__name_uk", "category__slug", "area__name_uk", "service__name_uk")
    raw_id_fields = ("default_owner",)
    readonly_fields = ("where_it_applies", "created_at", "updated_at")
    fields = (
        "category", "area", "where_it_applies", "service", "default_owner", "deadline_days", "priority",
        "is_active", "note", "created_at", "updated_at",
    )  # fmt: skip

    @admin.display(description=_("where the rule applies"))
    def where_it_applies(self, obj):
        return AreaMapWidget.render(obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            messages.info(
                request, _("The rule applies to new requests; requests already routed keep their service.")
            )


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ("name", "contact_email", "key_prefix", "requests_per_minute", "is_active", "last_used_at")
    list_filter = ("is_active", "is_document_system")
    search_fields = ("name", "contact_email", "key_prefix")
    readonly_fields = ("key_prefix", "created_at", "last_used_at")
    fields = (
        "name",
        "contact_email",
        "requests_per_minute",
        "is_document_system",
        "is_active",
        "key_prefix",
        "created_at",
        "last_used_at",
    )
    actions = ["issue_new_key"]

    def save_model(self, request, obj, form, change):
        key = None
        if not change:
            key, obj.key_prefix, obj.key_hash = api_key_new()
        super().save_model(request, obj, form, change)
        if key:
            messages.warning(
                request,
                _("The api_key of %(app)s is %(key)s — give it to the app now: it is not shown again.")
                % {"app": obj.name, "key": key},
            )

    @admin.action(description=_("Issue a new api_key (the old one stops working)"))
    def issue_new_key(self, request, queryset):
        for client in queryset:
            key = api_client_rekey(client=client)
            messages.warning(
                request,
                _("The api_key of %(app)s is %(key)s — give it to the app now: it is not shown again.")
                % {"app": client.name, "key": key},
            )


class EventInline(admin.TabularInline):
    """The request's history as the request page shows it to the same person."""

    model = Event
    # The statuses and the actor's label as the request page shows them, in the page's
    # language (stored as stable English keys: "submitted", "applicant (e-mail)").
    fields = ("created_at", "kind", "from_status_shown", "to_status_shown", "actor", "actor_shown", "comment",
              "is_public")  # fmt: skip
    readonly_fields = fields
    extra = 0
    can_delete = False

    @admin.display(description=_("from"))
    def from_status_shown(self, event):
        return event.from_status_label

    @admin.display(description=_("to"))
    def to_status_shown(self, event):
        return event.to_status_label

    @admin.display(description=_("who (when not a user)"))
    def actor_shown(self, event):
        return event.actor_label_display

    def get_queryset(self, request):
        # Internal comments belong to the staff working the request (request_events_visible).
        events = (
            super()
            .get_queryset(request)
            .filter(request__in=Request.objects.filter(permissions.work_scope_q(request.user)).values("pk"))
        )
        return events.select_related("actor")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Request)
class RequestAdmin(admin.ModelAdmin):
    """Read-only: requests change through the workflow's service functions, never by editing.

    The list holds the requests the user works on (permissions.work_scope_q, as the queues);
    any other request's page answers as if it did not exist. The applicant's personal data
    (permissions.PERSONAL_FIELDS, documents) is shown only to those who
    `can_see_personal_data`, as on the request page."""

    list_display = ("number", "category", "status", "visibility", "service", "submitted_at", "deadline")
    list_filter = ("status", "visibility", "channel", "category__group", "service")
    list_select_related = ("category", "service")
    search_fields = ("number",)
    date_hierarchy = "submitted_at"
    inlines = [EventInline]
    show_full_result_count = False
    public_fields = (
        "number", "category", "status", "visibility", "service", "owner", "owner_unit", "priority",
        "channel", "language", "submitted_at", "deadline", "answered_at", "closed_at", "status_notes",
        "outgoing_number", "outgoing_date", "text_public", "address",
    )  # fmt: skip

    def get_queryset(self, request):
        return super().get_queryset(request).filter(permissions.work_scope_q(request.user))

    def get_fields(self, request, obj=None):
        if obj is not None and permissions.can_see_personal_data(request.user, obj):
            return (*self.public_fields, *permissions.PERSONAL_FIELDS, "files")
        return (*self.public_fields, "files")

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    @admin.display(description=_("files"))
    def files(self, obj):
        viewer = getattr(obj, "admin_viewer", None)
        if viewer is None:
            return "—"
        personal = permissions.can_see_personal_data(viewer, obj)
        staff = permissions.is_service_staff(viewer, obj)
        shown = request_attachments_visible(obj, personal=personal, staff=staff)
        if not shown:
            return "—"
        return format_html_join(
            mark_safe("<br>"),
            '<a href="{}">{}</a> ({})',
            (
                (
                    reverse("citizen_requests:file", args=[obj.number, a.pk]),
                    a.original_name or f"{obj.number}-{a.order + 1}",
                    a.get_kind_display(),
                )
                for a in shown
            ),
        )

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            obj.admin_viewer = request.user  # the `files` row is decided per viewer
        return obj

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or permissions.can_work_on(request.user, obj))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Outgoing messages about the requests the user works on (permissions.notifications_q)."""

    list_display = ("created_at", "kind", "address", "state", "attempts", "sent_at")
    list_filter = ("state", "kind")
    search_fields = ("address", "dedupe_key")
    readonly_fields = ("kind", "request", "event", "user", "channel", "address", "language", "dedupe_key",
                       "state", "attempts", "last_error", "created_at", "sent_at")  # fmt: skip
    exclude = ("context",)  # may hold a one-time link until the message is sent

    def get_queryset(self, request):
        return super().get_queryset(request).filter(permissions.notifications_q(request.user))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ApprovalTemplateStepInline(admin.TabularInline):
    model = ApprovalTemplateStep
    fields = ("order", "approver")
    autocomplete_fields = ("approver",)
    extra = 1


@admin.register(ApprovalTemplate)
class ApprovalTemplateAdmin(admin.ModelAdmin):
    """A service's usual approval route; the process owner may still choose approvers by hand."""

    list_display = ("service", "name", "is_default")
    list_filter = ("service",)
    inlines = [ApprovalTemplateStepInline]

    def get_queryset(self, request):
        templates = super().get_queryset(request)
        if permissions.is_front_office(request.user):
            return templates
        return templates.filter(service_id__in=permissions.member_service_ids(request.user))


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ("name", "url", "is_active", "created_at")
    list_filter = ("is_active",)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """What was sent to the document system, and whether it arrived (read-only)."""

    list_display = ("event", "endpoint", "state", "attempts", "response_status", "next_try_at", "sent_at")
    list_filter = ("state", "endpoint")
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]

    def get_queryset(self, request):
        # The payload carries the request's personal data: only requests the user works on.
        scope = Request.objects.filter(permissions.work_scope_q(request.user)).values("pk")
        return super().get_queryset(request).filter(event__request__in=scope)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
