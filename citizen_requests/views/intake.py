"""Filing a request on the portal: the form, its helpers (addresses, the place, similar
requests nearby) and the private link a visitor receives by e-mail."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.contrib.gis.geos import Point
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from citizen_requests import attributes as attrs
from citizen_requests.exceptions import AddressNotFound, AttachmentRefused, RequestRefused
from citizen_requests.forms import RequestForm
from citizen_requests.models import Request
from citizen_requests.selectors.requests import (
    categories_active,
    category_groups_active,
    point_in_city,
)
from citizen_requests.services.attachments import attachment_clean, upload_read
from citizen_requests.services.intake import (
    Contact,
    Upload,
    intake_throttle,
    location_from_address,
    photo_location_in_city,
    request_access,
    request_submit,
)
from citizen_requests.storage import request_file_storage
from citizen_requests.views import session
from citizen_requests.views.places import point_from_query_params
from city.addresses import address_resolve, addresses_suggest
from city.models import Municipality
from core.maps import map_options
from core.place_notes import place_notes, place_notes_url
from core.uploads import PendingUploads


def _boundary_geojson() -> dict | None:
    row = (
        Municipality.objects.annotate(gj=AsGeoJSON("boundary", precision=5))
        .values_list("gj", flat=True)
        .first()
    )
    return json.loads(row) if row else None


def _form_context(request, form: RequestForm, **extra) -> dict:
    if form.is_bound:
        form.renew_started()
    categories = list(categories_active())
    questions = [
        {
            "category": c.slug,
            "attributes": [
                {
                    "code": a["code"],
                    "datatype": a.get("datatype", "string"),
                    "required": bool(a.get("required")),
                    "label": attrs.localized(a, "description"),
                    "hint": attrs.localized(a, "datatype_description"),
                    "values": [(str(v["key"]), attrs.value_name(v)) for v in a.get("values", [])],
                    "posted": request.POST.getlist(f"attr_{c.slug}__{a['code']}")
                    if request.method == "POST"
                    else [],
                }
                for a in sorted(c.attributes, key=lambda a: a.get("order", 0))
            ],
        }
        for c in categories
        if c.attributes
    ]
    return {
        "form": form,
        "groups": category_groups_active(),
        "questions": questions,
        "max_files": settings.MISTO_REQUEST_MAX_FILES,
        "max_file_mb": settings.MISTO_REQUEST_MAX_FILE_BYTES // (1024 * 1024),
        "map_options": map_options(
            boundary=_boundary_geojson(),
            urls={
                "addresses": reverse("citizen_requests:addresses"),
                "place": reverse("citizen_requests:place"),
                "nearby": reverse("citizen_requests:nearby"),
                "notices": place_notes_url(),
            },
            strings={
                "locating": _("Finding where you are…"),
                "locate_failed": _("Your position is not available. Tap the map or type the address."),
                "photo_place": _("Your photo was taken here. Use this place?"),
                "use_place": _("Use the photo's place"),
                "outside": _(
                    "This place is outside the Horishni Plavni hromada: the portal cannot accept it."
                ),
                "nearby_title": _(
                    "Similar open requests nearby — follow one instead of filing the same again:"
                ),
                "follow": _("Follow"),
                "following": _("You follow it"),
                "metres": _("m away"),
                "too_many_files": _("At most %(n)s files, please.") % {"n": settings.MISTO_REQUEST_MAX_FILES},
                "no_suggestions": _("No such address in the city. Pick the place on the map."),
                "notices_title": _("The city has already announced this here:"),
                "notices_still": _("If your problem is something else, you can still send the request."),
            },
            authenticated=request.user.is_authenticated,
            max_files=settings.MISTO_REQUEST_MAX_FILES,
        ),
        **extra,
    }


def _attributes_posted(post, category) -> dict[str, list[str]]:
    """The answers to the chosen category's questions (fields attr_<category>__<code>)."""
    prefix = f"attr_{category.slug}__"
    return {key[len(prefix) :]: post.getlist(key) for key in post if key.startswith(prefix)}


def _place_preset(params) -> dict:
    """The place a link into the form starts from (the home page's "Report a problem": an
    address typed there, or "locate me"): ?lat=&lon= inside the city, or ?address= that the
    gazetteer resolves. Anything else is ignored: the form simply starts without a place."""
    point = point_from_query_params(params)
    if point is not None and point_in_city(point):
        return {"lat": round(point.y, 6), "lon": round(point.x, 6)}
    typed = " ".join(params.get("address", "").split())[:200]
    if typed:
        found = address_resolve(typed)
        if found is not None:
            return {"lat": round(found.point.y, 6), "lon": round(found.point.x, 6), "address": found.label}
        return {"address": typed}
    return {}


PENDING_SCOPE = "request-form"


def pending_uploads(request) -> PendingUploads:
    """The files this session attached to a filing form that came back with an error."""
    return PendingUploads(
        request.session,
        scope=PENDING_SCOPE,
        storage=request_file_storage,
        limit=settings.MISTO_REQUEST_MAX_FILES,
    )


def _uploads_posted(request, pending: PendingUploads) -> tuple[list[Upload], list[Upload], str]:
    """(files kept from the last try that the resident did not remove, files attached now, the
    first refusal while reading them). The kept ones come first, in the order attached."""
    for token in request.POST.getlist("pending_remove"):
        pending.remove(token)
    kept = []
    for entry in pending.list():
        data = pending.read(entry["token"])
        if data is not None:
            kept.append(Upload(entry["name"], data))
    fresh, refusal = [], ""
    for f in request.FILES.getlist("files"):
        try:
            fresh.append(Upload(f.name, upload_read(f)))
        except AttachmentRefused as exc:
            refusal = refusal or exc.message
    return kept, fresh, refusal


def _uploads_keep(pending: PendingUploads, fresh: list[Upload]) -> None:
    """Keep the files attached in a try that failed, as the upload policy cleaned them (a
    refused file is not kept; its refusal is on the form)."""
    for upload in fresh:
        try:
            clean = attachment_clean(name=upload.name, data=upload.data)
        except AttachmentRefused:
            continue
        pending.add(name=clean.original_name, data=clean.content, content_type=clean.content_type)


def request_new(request):
    """The filing form; one POST files the request (see services.intake.request_submit). Files
    attached to a try that comes back with an error are kept for the next (pending uploads)."""
    user = request.user if request.user.is_authenticated else None
    pending = pending_uploads(request)
    if request.method != "POST":
        initial = _place_preset(request.GET)
        if request.GET.get("category"):
            initial["category"] = request.GET["category"]
        return render(
            request,
            "citizen_requests/new.html",
            _form_context(request, RequestForm(user=user, initial=initial), pending=pending.list()),
        )
    form = RequestForm(request.POST, user=user)
    extra: dict = {}
    kept, fresh, refusal = _uploads_posted(request, pending)
    if refusal:
        form.add_error(None, refusal)
    if form.is_valid():
        data = form.cleaned_data
        try:
            uploads = kept + fresh
            point = _place(data, uploads)
            # An announced outage or works of the same kind here: shown once before filing.
            notes = place_notes(point, topic=data["category"].slug)
            if notes and request.POST.get("notices_seen") != "1":
                form.data = form.data.copy()
                form.data["notices_seen"] = "1"
                extra.update(place_notes=notes, files_again=bool(uploads))
                return render(request, "citizen_requests/new.html", _form_context(request, form, **extra))
            intake_throttle(ip=session.client_ip(request), user=user, email=data.get("email", ""))
            filed = request_submit(
                category=data["category"],
                text=data["text"],
                location=point,
                visibility=data["visibility"],
                address=data.get("address", ""),
                applicant=user,
                contact=Contact(data.get("name", ""), data.get("email", ""), data.get("phone", "")),
                files=uploads,
                attributes=_attributes_posted(request.POST, data["category"]),
                email_verified=bool(data.get("email"))
                and data["email"].lower() in session.verified_emails(request),
                language=(get_language() or "uk")[:2],
            )
        except AddressNotFound as exc:
            form.add_error("address", exc.message)
            extra["suggestions"] = addresses_suggest(data.get("address", ""))
        except PlaceProposed as proposal:
            form.add_error(None, proposal.message)
            form.data = form.data.copy()
            form.data["lat"], form.data["lon"] = f"{proposal.point.y:.6f}", f"{proposal.point.x:.6f}"
        except RequestRefused as exc:
            field = exc.field if exc.field in form.fields else None
            if exc.field == "location":
                field = "address"
            if exc.field == "files" or (exc.field or "").startswith("attr_"):
                field = None
            form.add_error(field, exc.message)
        else:
            pending.clear()
            if filed.status == Request.Status.UNCONFIRMED:
                request.session["misto_pending_email"] = filed.applicant_email
                return redirect("citizen_requests:sent")
            if user is None:
                session.grant(request, filed.pk)
            messages.success(
                request,
                _("Request %(number)s is registered and sent to %(service)s.")
                % {"number": filed.number, "service": filed.service.name if filed.service else "—"},
            )
            return redirect("citizen_requests:detail", number=filed.number)
    _uploads_keep(pending, fresh)
    return render(
        request,
        "citizen_requests/new.html",
        _form_context(request, form, pending=pending.list(), **extra),
        status=400,
    )


@require_GET
def pending_file(request, token: str):
    """A file kept from this session's failed filing try (its thumbnail on the form); any
    other session, or a removed file, gets 404."""
    pending = pending_uploads(request)
    entry = next((e for e in pending.list() if e["token"] == token), None)
    data = pending.read(token) if entry else None
    if data is None:
        raise Http404(_("No such file."))
    response = HttpResponse(data, content_type=entry["content_type"])
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    # A photo shows as its thumbnail; a document downloads (as on a request's page).
    response["Content-Disposition"] = "inline" if entry["content_type"].startswith("image/") else "attachment"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


class PlaceProposed(RequestRefused):
    """No place given, but a photo knows one: the form proposes it for the resident to check."""

    def __init__(self, point: Point):
        super().__init__(
            _(
                "Choose the place on the map. We put the pin where your photo was taken — check it "
                "and send; your files are kept."
            ),
            field="location",
        )
        self.point = point


def _place(data: dict, uploads: list[Upload]) -> Point:
    if data.get("lat") is not None and data.get("lon") is not None:
        return Point(data["lon"], data["lat"], srid=4326)
    if data.get("address"):
        return location_from_address(data["address"])
    proposal = photo_location_in_city(uploads)
    if proposal is not None:
        raise PlaceProposed(proposal)
    raise RequestRefused(_("Choose the place on the map or type its address."), field="location")


@require_GET
def request_sent(request):
    return render(
        request, "citizen_requests/sent.html", {"email": request.session.get("misto_pending_email", "")}
    )


@require_GET
def request_access_link(request, key: str):
    """A visitor's private link from the e-mail: confirms the request the first time, and lets
    this browser see it (confidential or not) every time."""
    try:
        filed = request_access(key=key)
    except RequestRefused as exc:
        return render(request, "citizen_requests/link_invalid.html", {"message": exc.message}, status=404)
    session.grant(request, filed.pk)
    session.verify_email(request, filed.applicant_email)
    messages.success(
        request,
        _("Thank you: your e-mail is confirmed. Request %(number)s is registered.")
        % {"number": filed.number},
    )
    return redirect("citizen_requests:detail", number=filed.number)
