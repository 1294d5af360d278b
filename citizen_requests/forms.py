"""Forms of the request pages: they parse input; the rules live in services."""

from __future__ import annotations

import datetime as dt
import secrets

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from citizen_requests.models import Category, Request, Service
from citizen_requests.selectors.requests import categories_active, services_staffed
from core.tokens import token_spend

FORM_SALT = "misto.requests.form-started"
FORM_MAX_AGE = 86400  # seconds a filing form stays valid


def started_token(started: dt.datetime) -> str:
    """The signed anti-bot time token: when the form was first shown, and a nonce that makes each
    token unique (it is spent once)."""
    value = f"{started.isoformat()}|{secrets.token_hex(8)}"
    return signing.TimestampSigner(salt=FORM_SALT).sign(value)


def started_moment(token: str) -> dt.datetime | None:
    """When the form of `token` was first shown, or None for a forged or expired token."""
    try:
        value = signing.TimestampSigner(salt=FORM_SALT).unsign(token, max_age=FORM_MAX_AGE)
        started = dt.datetime.fromisoformat(value.split("|", 1)[0])
    except (signing.BadSignature, ValueError):
        return None
    return started if started.tzinfo else None


class RequestForm(forms.Form):
    """The filing form. Files and the category's questions (attr_<code>) are read by the view."""

    category = forms.ModelChoiceField(
        queryset=Category.objects.none(),
        to_field_name="slug",
        label=_("What is the problem?"),
        error_messages={
            "required": _("Choose what the problem is."),
            "invalid_choice": _("Choose what the problem is."),
        },
    )
    lat = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)
    address = forms.CharField(
        label=_("Address or landmark"),
        required=False,
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": _("e.g. вулиця Миру, 9")}),
    )
    text = forms.CharField(
        label=_("Describe the problem"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": 4000}),
        error_messages={"required": _("Describe the problem in a few words (at least 10 characters).")},
    )
    visibility = forms.ChoiceField(
        label=_("Who may see the request"),
        choices=[
            (Request.Visibility.PUBLIC, _("Public: shown on the portal without your name and contacts")),
            (Request.Visibility.CONFIDENTIAL, _("Confidential: only you and the city's staff see it")),
        ],
        initial=Request.Visibility.PUBLIC,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=_("Your name"), required=False, max_length=255)
    email = forms.EmailField(label=_("Your e-mail"), required=False)
    phone = forms.CharField(label=_("Phone (optional)"), required=False, max_length=40)
    # A field people never see: bots fill it in.
    website = forms.CharField(required=False, label=_("Leave this field empty"))
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["category"].queryset = categories_active()
        self.fields["started"].initial = started_token(dt.datetime.now(dt.UTC))
        if user is not None and user.is_authenticated:
            self.fields["name"].initial = user.get_full_name() or user.username
            self.fields["email"].initial = user.email
        else:
            self.fields["name"].required = True
            self.fields["email"].required = True
            self.fields["name"].error_messages["required"] = _(
                "Give your name: the answer is addressed to you."
            )
            self.fields["email"].error_messages["required"] = _(
                "Give your e-mail address: the link that registers the request is sent there."
            )

    def clean(self):
        data = super().clean()
        if data.get("website"):
            raise forms.ValidationError(
                _("The request could not be accepted. Please try again."), code="spam"
            )
        token = data.get("started") or ""
        started = started_moment(token)
        if started is None:
            raise forms.ValidationError(
                _("The form has expired. Please check your answers and send again."), code="stale"
            )
        if (dt.datetime.now(dt.UTC) - started).total_seconds() < settings.MISTO_REQUEST_FORM_MIN_SECONDS:
            raise forms.ValidationError(
                _("The request could not be accepted. Please try again."), code="spam"
            )
        # One token, one sending: a bot that keeps one page and posts it again and again is stopped.
        if not token_spend(purpose=FORM_SALT, token=token, valid_for=dt.timedelta(seconds=FORM_MAX_AGE)):
            raise forms.ValidationError(
                _("This form has already been sent once. Reload the page to file another request."),
                code="replay",
            )
        return data

    def renew_started(self) -> None:
        """Give a form shown again (with errors) a fresh token that keeps the original start time:
        the spent one would be refused as a replay when the person corrects and sends it."""
        started = started_moment(self.data.get("started") or "") or dt.datetime.now(dt.UTC)
        self.data = self.data.copy()
        self.data["started"] = started_token(started)


class FollowByEmailForm(forms.Form):
    email = forms.EmailField(label=_("Your e-mail"))


class PreferencesForm(forms.Form):
    email_own_requests = forms.BooleanField(label=_("E-mail me when my requests move on"), required=False)
    email_subscriptions = forms.BooleanField(label=_("E-mail me about requests I follow"), required=False)
    language = forms.ChoiceField(label=_("Language of messages"), choices=settings.LANGUAGES)
    sms_own_requests = forms.BooleanField(label=_("SMS to this phone about my requests"), required=False)
    phone = forms.RegexField(
        label=_("Phone for SMS"),
        regex=r"^\+?[0-9]{10,15}$",
        required=False,
        error_messages={"invalid": _("Use a phone number such as +380501234567.")},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("sms_own_requests") and not data.get("phone"):
            self.add_error("phone", _("Give a phone number for SMS."))
        return data


class ListFilterForm(forms.Form):
    category = forms.CharField(required=False)
    status = forms.ChoiceField(
        required=False,
        choices=[
            ("", _("any status")),
            ("open", _("open")),
            ("closed", pgettext_lazy("requests filter", "closed")),
        ],
        label=_("Status"),
    )
    district = forms.IntegerField(required=False, label=_("District"))
    date_from = forms.DateField(
        required=False, label=_("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(required=False, label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    q = forms.CharField(required=False, max_length=100, label=_("Search"))
    before = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


# -- the route's steps on the request page (views/workflow.py) -------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (the service checks each one's content)."""

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return super().clean(data, initial)


def _staff_label(user) -> str:
    return user.get_full_name() or user.get_username()


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return _staff_label(obj)


class AppointForm(forms.Form):
    owner = StaffChoiceField(
        label=_("Process owner"), queryset=None, empty_label=_("— choose the process owner —")
    )
    deadline = forms.DateField(
        label=_("Deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: the service's term in working days."),
    )  # fmt: skip
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (
            get_user_model()
            .objects.filter(service_memberships__service_id=request.service_id, is_active=True)
            .order_by("last_name", "first_name", "username")
        )


class ForwardForm(forms.Form):
    service = forms.ModelChoiceField(
        label=pgettext_lazy("request workflow", "Service"),
        queryset=None,
        empty_label=_("— choose the service —"),
        help_text=_(
            "Only services with staff on the portal are listed: a request sent elsewhere would wait unseen."
        ),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services_staffed().exclude(pk=request.service_id)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class TextForm(forms.Form):
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}))


class DraftForm(forms.Form):
    text = forms.CharField(label=_("Text of the answer"), widget=forms.Textarea(attrs={"rows": 6}))
    files = MultipleFileField(
        label=_("Documents (PDF)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "application/pdf"}),
    )


class ApprovalRouteForm(forms.Form):
    """Up to four approvers in order; none chosen: the service's template route."""

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Those who may read the request: its service's staff and the front office.
        services = Service.objects.filter(Q(pk=request.service_id) | Q(kind=Service.Kind.FRONT_OFFICE))
        staff = (
            get_user_model()
            .objects.filter(service_memberships__service__in=services, is_active=True)
            .distinct()
            .order_by("last_name", "username")
        )
        for n in range(1, 5):
            self.fields[f"approver_{n}"] = StaffChoiceField(
                label=_("Approver %(n)s") % {"n": n}, queryset=staff, required=False
            )
        self.fields["approver_1"].help_text = _("None chosen: the service's approval route template.")

    def approvers(self) -> list:
        return [
            self.cleaned_data[f"approver_{n}"] for n in range(1, 5) if self.cleaned_data.get(f"approver_{n}")
        ]


class ApproveForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("What should change"), widget=forms.Textarea(attrs={"rows": 2}))


class RegisterForm(forms.Form):
    outgoing_number = forms.CharField(label=_("Outgoing number"), max_length=50)
    outgoing_date = forms.DateField(
        label=_("Outgoing date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class EmptyForm(forms.Form):
    pass
