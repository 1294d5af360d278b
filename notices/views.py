"""Public pages of the notices: the list, a notice, "is my address affected?", subscriptions,
the CAP document and the Atom feed. Staff pages are in views_staff.py."""

from __future__ import annotations

import json

from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from citizen_requests.selectors.requests import requests_visible_to
from core.maps import VECTORGRID, map_options, map_render
from notices import permissions
from notices.cap import cap_alert
from notices.exceptions import NoticeRefused
from notices.forms import CheckForm, SubscribeForm
from notices.models import Notice, NoticeChange, Subscription
from notices.places import place_find
from notices.selectors import (
    WHEN,
    notice_reach,
    notices_at,
    notices_finished,
    notices_public,
    notices_visible_to,
    place_notes_for,
    time_words,
)
from notices.services.subscriptions import (
    subscription_by_token,
    subscription_confirm,
    subscription_create,
    subscription_delete,
)

PAGE = 20
KIND_COLOURS = {
    "water": "#0284c7", "heating": "#dc2626", "hot_water": "#ea580c", "power": "#ca8a04", "gas": "#9333ea",
    "road_works": "#b45309", "road_closure": "#7c2d12", "emergency": "#b91c1c", "announcement": "#15803d",
}  # fmt: skip


def _rows(notices) -> list[dict]:
    now = timezone.now()
    return [{"notice": n, "when": time_words(n, now=now), "state": n.state_at(now)} for n in notices]


@require_GET
def notice_list(request):
    when = request.GET.get("when", "active")
    if when not in WHEN:
        when = "active"
    page = Paginator(notices_public(when).order_by("starts_at", "id"), PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "notices/list.html",
        {
            "when": when,
            "filters": [
                ("active", _("In effect and planned")),
                ("now", _("Now")),
                ("today", _("Today")),
                ("planned", _("Planned")),
            ],
            "page": page,
            "rows": _rows(page.object_list),
            "finished": _rows(notices_finished()[:10]),
            "can_publish": permissions.can_publish(request.user),
        },
    )


def notice_visible_or_404(user, pk: int) -> Notice:
    notice = notices_visible_to(user).filter(pk=pk).first()
    if notice is None:
        raise Http404(_("No such notice."))
    return notice


def notice_map(notice: Notice, *, label: str):
    style = {"color": KIND_COLOURS.get(notice.kind, "#b91c1c"), "weight": 2, "fillOpacity": 0.25}
    data = {"type": "Feature", "geometry": json.loads(notice.area.geojson), "properties": {}}
    config = map_options(
        zoom=15, layers=[{"call": "addGeoJSON", "options": {"data": data, "style": style, "fit": True}}]
    )
    return map_render(config, label=label, vendor=[VECTORGRID])


@require_GET
def notice_detail(request, pk: int):
    notice = notice_visible_or_404(request.user, pk)
    manage = permissions.can_manage(request.user, notice)
    changes = notice.changes.select_related("actor").order_by("at", "id")
    if not manage:
        changes = changes.exclude(
            kind__in=[NoticeChange.Kind.CREATED, NoticeChange.Kind.EDITED, NoticeChange.Kind.LINKED]
        )
    context = {
        "notice": notice,
        "when": time_words(notice),
        "state": notice.state_at(),
        "changes": changes,
        "manage": manage,
        "map": notice_map(notice, label=_("Area of the notice: %(t)s") % {"t": notice.title}),
    }
    if manage:
        from notices.forms import CancelForm, CloseForm, LinkForm

        context.update(
            reach=notice_reach(notice),
            # Only the linked requests this viewer may see (a confidential one stays its service's).
            links=notice.links.filter(request__in=requests_visible_to(request.user))
            .select_related("request")
            .order_by("linked_at"),
            cancel_form=CancelForm(initial={"version": notice.version}),
            close_form=CloseForm(initial={"version": notice.version}),
            link_form=LinkForm(),
        )
    return render(request, "notices/detail.html", context)


@require_GET
def notice_cap(request, pk: int):
    notice = get_object_or_404(
        Notice.objects.exclude(status=Notice.Status.DRAFT).select_related("service"), pk=pk
    )
    response = HttpResponse(cap_alert(notice), content_type="application/cap+xml; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="notice-{notice.pk}.cap.xml"'
    return response


class NoticesFeed(Feed):
    """Atom feed of the notices in effect or planned; each entry links its CAP document."""

    feed_type = Atom1Feed
    title = gettext_lazy("City notices: outages, works and emergencies")
    subtitle = gettext_lazy("Notices of the city in effect or planned, each with its CAP 1.2 alert.")

    def link(self):
        return reverse("notices:list")

    def items(self):
        return notices_public("active").order_by("-updated_at", "-id")[:100]

    def item_title(self, item):
        return f"{item.title} ({item.get_kind_display()})"

    def item_description(self, item):
        return f"{time_words(item)}. {item.text}"

    def item_link(self, item):
        return reverse("notices:detail", args=[item.pk])

    def item_guid(self, item):
        return f"misto-notice-{item.pk}"

    def item_updateddate(self, item):
        return item.updated_at

    def item_pubdate(self, item):
        return item.published_at

    def item_categories(self, item):
        return [item.kind, item.nature]

    def item_enclosures(self, item):
        return []

    def get_feed(self, obj, request):
        self.request = request
        return super().get_feed(obj, request)

    def item_extra_kwargs(self, item):
        return {"cap_url": self.request.build_absolute_uri(reverse("notices:cap", args=[item.pk]))}


class CapAtomFeed(Atom1Feed):
    """Atom with each entry's CAP document as a link rel="alternate" type="application/cap+xml"."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("cap_url"):
            handler.addQuickElement(
                "link", "", {"rel": "related", "type": "application/cap+xml", "href": item["cap_url"]}
            )


NoticesFeed.feed_type = CapAtomFeed


def _check(form_data) -> tuple[CheckForm, object, list]:
    form = CheckForm(form_data)
    place, found = None, []
    if form.is_valid() and (form.cleaned_data["address"] or form.cleaned_data["lat"] is not None):
        try:
            place = place_find(
                address=form.cleaned_data["address"],
                lat=form.cleaned_data["lat"],
                lon=form.cleaned_data["lon"],
            )
        except NoticeRefused as exc:
            form.add_error("address", exc.errors.get("address", exc.message))
        else:
            found = _rows(notices_at(place.point, when="active"))
    return form, place, found


@require_GET
def notice_check(request):
    """ "Is my address affected?": an address or the visitor's location → the notices there."""
    form, place, found = _check(request.GET if request.GET else None)
    status = 400 if form.is_bound and form.errors else 200
    subscribe = SubscribeForm(initial={"address": place.label if place else ""})
    return render(
        request,
        "notices/check.html",
        {"form": form, "place": place, "rows": found, "subscribe": subscribe},
        status=status,
    )


@require_GET
def place_json(request):
    """The notices in effect at a point (for the request form's warning): public data only."""
    try:
        lat, lon = float(request.GET["lat"]), float(request.GET["lon"])
    except (KeyError, ValueError):
        return JsonResponse(
            {"error": {"code": "invalid", "message": _("Give lat and lon as numbers.")}}, status=400
        )
    from django.contrib.gis.geos import Point

    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return JsonResponse(
            {"error": {"code": "invalid", "message": _("Give lat and lon as numbers.")}}, status=400
        )
    notes = place_notes_for(Point(lon, lat, srid=4326), topic=request.GET.get("category", "")[:50])
    return JsonResponse(
        {
            "notices": [
                {
                    "title": n.title,
                    "when": n.when,
                    "url": n.url,
                    "emergency": n.emergency,
                    "kind": n.kind_label,
                }
                for n in notes
            ]
        }
    )


@require_http_methods(["GET", "POST"])
def subscribe(request):
    user = request.user if request.user.is_authenticated else None
    if request.method == "GET":
        form = SubscribeForm(initial={"address": request.GET.get("address", "")[:200]})
        return render(request, "notices/subscribe.html", {"form": form, "account": user})
    form = SubscribeForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            place = place_find(address=d["address"], lat=d["lat"], lon=d["lon"])
            subscription, created = subscription_create(
                place=place,
                user=user,
                email=d["email"] or "",
                by_email=d["by_email"],
                by_sms=d["by_sms"],
                phone=d["phone"],
                language=(get_language() or "uk")[:2],
            )
        except NoticeRefused as exc:
            for field, message in exc.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            if user is not None:
                return redirect(reverse("notices:subscriptions") + "?added=1")
            return render(request, "notices/subscribe_sent.html", {"address": subscription.address})
    return render(request, "notices/subscribe.html", {"form": form, "account": user}, status=400)


@require_http_methods(["GET", "POST"])
def subscription_confirm_link(request, token: str):
    """The link in the confirmation e-mail: GET asks (mail scanners open links), POST confirms."""
    if request.method == "GET":
        return render(request, "notices/confirm.html", {"token": token})
    try:
        subscription = subscription_confirm(token=token)
    except NoticeRefused as exc:
        return render(request, "notices/link_invalid.html", {"message": exc.message}, status=400)
    return render(request, "notices/confirmed.html", {"subscription": subscription})


@csrf_exempt  # the secret token is the proof; mail programs POST here without a form (RFC 8058)
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    subscription = subscription_by_token(token)
    if subscription is None:
        return render(
            request,
            "notices/link_invalid.html",
            {"message": _("This link is not valid, or you have already unsubscribed.")},
            status=404,
        )
    if request.method == "POST":
        address = subscription.address
        subscription_delete(subscription=subscription)
        return render(request, "notices/unsubscribed.html", {"address": address})
    return render(request, "notices/unsubscribe.html", {"subscription": subscription, "token": token})


@require_http_methods(["GET", "POST"])
def subscriptions_mine(request):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    mine = Subscription.objects.filter(user=request.user).order_by("created_at")
    if request.method == "POST":
        target = mine.filter(pk=request.POST.get("delete") or 0).first()
        if target is None:
            raise Http404(_("No such subscription."))
        subscription_delete(subscription=target)
        return redirect("notices:subscriptions")
    return render(
        request, "notices/subscriptions.html", {"subscriptions": mine, "added": request.GET.get("added")}
    )
