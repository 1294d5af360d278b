"""The approval workflow of an answer: approval templates of a service, answers (responses)
and their approval steps."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from citizen_requests.models.requests import Request
from citizen_requests.models.services import Service


class ApprovalTemplate(models.Model):
    """A service's usual approval route: who approves its answers, in order."""

    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.CASCADE, related_name="approval_templates"
    )
    name = models.CharField(_("name"), max_length=255)
    is_default = models.BooleanField(_("used by default"), default=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))

    class Meta:
        verbose_name = _("approval route template")
        verbose_name_plural = _("approval route templates")
        ordering = ["service", "-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["service"], condition=Q(is_default=True), name="approval_template_one_default"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service}: {self.name}"


class ApprovalTemplateStep(models.Model):
    template = models.ForeignKey(ApprovalTemplate, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order"))
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("approver"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("approver in the template")
        verbose_name_plural = _("approvers in the template")
        ordering = ["template", "order"]
        constraints = [
            models.UniqueConstraint(fields=["template", "order"], name="approval_template_step_order")
        ]


class Response(models.Model):
    """The answer to a request, drafted by the process owner (text and documents); each
    round of approval works on one version, a returned draft is edited into the next one."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="responses")
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    text = models.TextField(_("text of the answer"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.SET_NULL, null=True,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(_("sent to the applicant"), null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["request", "-version"]
        constraints = [models.UniqueConstraint(fields=["request", "version"], name="response_version")]


class ApprovalStep(models.Model):
    """One approver's place in the route of one answer version; strictly in `order`."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting")
        APPROVED = "approved", _("approved")
        RETURNED = "returned", _("returned")
        CANCELLED = "cancelled", _("not needed")

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="approval_steps")
    order = models.PositiveSmallIntegerField(_("order"))
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("approver"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    acted_at = models.DateTimeField(_("when"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["response", "order"]
        constraints = [models.UniqueConstraint(fields=["response", "order"], name="approval_step_order")]
        indexes = [models.Index(fields=["approver", "state"], name="approval_step_approver")]
