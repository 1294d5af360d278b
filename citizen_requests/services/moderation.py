"""The public face of a request: derived from what the resident filed, never copied, and
corrected by staff when the derivation is not enough (FixMyStreet-style moderation).

Published text = the moderated text when staff edited it, else the original with personal
data hidden; published address = the building or street at the request's point, or the
moderated address. The original text and the typed address stay private.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citizen_requests import permissions
from citizen_requests.exceptions import RequestRefused, TransitionRefused
from citizen_requests.models import Event, Request
from citizen_requests.personal_data import text_mask_personal_data
from citizen_requests.selectors.addresses import public_address
from citizen_requests.services.transitions import event_record

MAX_PUBLIC_TEXT = 4000


def public_text_derive(request: Request, text: str | None = None, *, streets=None) -> str:
    """`text` as the public reads it — the request's own (default) or the service's answer,
    which is addressed to the applicant ("Шановна Олено Петрівно"): e-mails, phones, flats,
    identity numbers and names hidden, the applicant's name in any grammatical case. The
    applicant and the staff read the original."""
    names = (request.applicant_name,) if request.applicant_name else ()
    return text_mask_personal_data(request.text if text is None else text, names=names, streets=streets)


@transaction.atomic
def request_moderate(*, request: Request, actor, text_public: str, address: str) -> Event | None:
    """Staff edit the published text and address of `request`. The original stays as it was
    (private); the edit is kept against later re-derivation and written to the audit trail
    as an internal event (who, when, old → new). Returns None when nothing changed."""
    if not permissions.can_moderate(actor, request):
        raise TransitionRefused(
            _("Only the responsible service and the front office may edit the published text.")
        )
    text_public = (text_public or "").replace("\r\n", "\n").strip()
    address = " ".join((address or "").split())
    if not text_public:
        raise RequestRefused(_("The published text cannot be empty."), field="text_public")
    if len(text_public) > MAX_PUBLIC_TEXT:
        raise RequestRefused(
            _("The text is %(n)s characters long; %(max)s at most, please.")
            % {"n": len(text_public), "max": MAX_PUBLIC_TEXT},
            field="text_public",
        )
    if len(address) > 255:
        raise RequestRefused(_("The address is too long (255 characters at most)."), field="address")
    locked = Request.objects.select_for_update().get(pk=request.pk)
    changes = {}
    if text_public != locked.text_public:
        changes["text_public"] = [locked.text_public, text_public]
    if address != locked.address:
        changes["address"] = [locked.address, address]
    if not changes:
        return None
    for field, (_old, new) in changes.items():
        setattr(locked, field, new)
        setattr(request, field, new)
    locked.public_edited_at = request.public_edited_at = timezone.now()
    locked.save(update_fields=[*changes, "public_edited_at", "updated_at"])
    return event_record(request=locked, kind=Event.Kind.MODERATED, actor=actor, data=changes, public=False)


def request_public_refresh(request: Request, *, streets=None) -> bool:
    """Derive the published text and address again (after the masking rules or the point
    changed), unless staff moderated them. Returns whether anything changed."""
    if request.public_edited_at is not None:
        return False
    text = public_text_derive(request, streets=streets)
    address = public_address(request.location)
    if (text, address) == (request.text_public, request.address):
        return False
    request.text_public, request.address = text, address
    request.save(update_fields=["text_public", "address", "updated_at"])
    return True
