"""Expected refusals, each with a message for people. Views and the Open311 adapter turn them
into a form error, a 400 page or an Open311 error list; nobody sees a traceback."""

from __future__ import annotations


class RequestRefused(Exception):
    """The request (or a part of it) cannot be accepted; nothing was changed.

    `field` names the form field at fault (None: the whole request); `code` is a stable
    machine-readable reason, used by the Open311 error list and by tests.
    """

    code = "refused"
    http_status = 400

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.field = field
        if code:
            self.code = code


class OutsideCity(RequestRefused):
    code = "outside_city"


class AddressNotFound(RequestRefused):
    code = "address_not_found"


class AttachmentRefused(RequestRefused):
    code = "attachment_refused"


class InvalidAttribute(RequestRefused):
    code = "invalid_attribute"


class RateLimited(RequestRefused):
    code = "rate_limited"
    http_status = 429


class SpamSuspected(RequestRefused):
    code = "spam"


class LinkInvalid(RequestRefused):
    """A confirmation or unsubscribe link that is unknown, used up or expired."""

    code = "link_invalid"
    http_status = 404


class TransitionRefused(Exception):
    """A move the request's workflow does not allow now (wrong state, or changed meanwhile)."""

    def __init__(self, message: str):
        super().__init__(str(message))
        self.message = str(message)


class WorkflowRefused(TransitionRefused):
    """A step of the workflow the actor may not take (wrong service, role or approver's turn) or
    given without what it needs (a reason, an owner of the service); nothing was changed."""
