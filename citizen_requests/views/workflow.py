"""The workflow's steps from the request page: one POST per step, each calling one service
function (services/workflow.py), which checks the right and the state. A refusal comes back to
the page as a message; nothing is changed."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from citizen_requests import forms as f
from citizen_requests.exceptions import RequestRefused, TransitionRefused
from citizen_requests.selectors.requests import request_get_visible
from citizen_requests.services import approvals, workflow
from citizen_requests.services.attachments import upload_read
from citizen_requests.services.intake import Upload
from citizen_requests.views import session

# action → (form, its button, what the page says when it is done), in the order of the workflow
ACTIONS = {
    "appoint": (f.AppointForm, gettext_lazy("Appoint"), gettext_lazy("The process owner is appointed.")),
    "info_answer": (f.TextForm, gettext_lazy("Send my answer"), gettext_lazy("Thank you: your answer is with the process owner.")),
    "draft": (f.DraftForm, gettext_lazy("Save the draft answer"), gettext_lazy("The draft answer is saved.")),
    "send_for_approval": (f.ApprovalRouteForm, gettext_lazy("Send for approval"), gettext_lazy("The answer is sent for approval.")),
    "approve": (f.ApproveForm, gettext_lazy("Approve"), gettext_lazy("You approved the answer.")),
    "return": (f.ReturnForm, gettext_lazy("Return to the process owner"), gettext_lazy("The answer is returned to the process owner.")),
    "register": (f.RegisterForm, gettext_lazy("Register and send the answer"), gettext_lazy("The answer is registered and sent.")),
    "close": (f.EmptyForm, gettext_lazy("The answer solves my problem: close the request"), gettext_lazy("Thank you: the request is closed.")),
    "reopen": (f.ReasonForm, gettext_lazy("Reopen the request"), gettext_lazy("The request is reopened and goes back to the service.")),
    "info_ask": (f.TextForm, gettext_lazy("Ask the applicant"), gettext_lazy("The applicant is asked for more information; the clock stops.")),
    "comment": (f.TextForm, gettext_lazy("Add an internal comment"), gettext_lazy("The comment is added.")),
    "forward": (f.ForwardForm, gettext_lazy("Forward"), gettext_lazy("The request is forwarded.")),
    "reject": (f.ReasonForm, gettext_lazy("Reject"), gettext_lazy("The request is rejected.")),
}  # fmt: skip


def forms_for(actions: set[str], request, *, draft_text: str = "") -> list[tuple[str, str, object]]:
    """(action, button, form) of the steps the viewer may take now, in workflow order; the draft
    form starts from the current draft (a returned answer is revised, not rewritten)."""
    forms = []
    for name, (form, button, _done) in ACTIONS.items():
        if name not in actions:
            continue
        if _takes_request(name):
            forms.append((name, button, form(request=request)))
        elif name == "draft":
            forms.append((name, button, form(initial={"text": draft_text})))
        else:
            forms.append((name, button, form()))
    return forms


def _takes_request(name: str) -> bool:
    return name in {"appoint", "forward", "send_for_approval"}


def _perform(name: str, found, data: dict, *, user, grants, files) -> None:
    actor = user if user.is_authenticated else None
    if name == "appoint":
        workflow.request_appoint(
            request=found,
            actor=actor,
            owner=data["owner"],
            deadline=data["deadline"],
            comment=data["comment"],
        )
    elif name == "forward":
        workflow.request_forward(request=found, actor=actor, service=data["service"], reason=data["reason"])
    elif name == "reject":
        workflow.request_reject(request=found, actor=actor, reason=data["reason"])
    elif name == "comment":
        workflow.request_comment(request=found, actor=actor, text=data["text"])
    elif name == "info_ask":
        workflow.request_info_ask(request=found, actor=actor, question=data["text"])
    elif name == "info_answer":
        workflow.request_info_answer(request=found, actor=actor, text=data["text"], grants=grants)
    elif name == "draft":
        uploads = [Upload(upload.name, upload_read(upload)) for upload in files.getlist("files")]
        approvals.response_draft(request=found, actor=actor, text=data["text"], files=uploads)
    elif name == "send_for_approval":
        approvals.response_send_for_approval(request=found, actor=actor, approvers=data["approvers"] or None)
    elif name == "approve":
        approvals.response_approve(request=found, actor=actor, comment=data["comment"])
    elif name == "return":
        approvals.response_return(request=found, actor=actor, comment=data["comment"])
    elif name == "register":
        approvals.response_register(
            request=found,
            actor=actor,
            outgoing_number=data["outgoing_number"],
            outgoing_date=data["outgoing_date"],
        )
    elif name == "close":
        workflow.request_close(request=found, actor=actor, grants=grants)
    elif name == "reopen":
        workflow.request_reopen(request=found, actor=actor, reason=data["reason"], grants=grants)


@require_POST
def request_act(request, number: str, action: str):
    grants = session.grants(request)
    found = request_get_visible(user=request.user, number=number, grants=grants)
    if found is None or action not in ACTIONS:
        raise session.not_found()
    form_class, _button, done = ACTIONS[action]
    form = (
        form_class(request.POST, request.FILES, request=found)
        if _takes_request(action)
        else form_class(request.POST, request.FILES)
    )
    back = reverse("citizen_requests:detail", args=[found.number])
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    data = dict(form.cleaned_data)
    if action == "send_for_approval":
        data["approvers"] = form.approvers()
    try:
        _perform(action, found, data, user=request.user, grants=grants, files=request.FILES)
    except (TransitionRefused, RequestRefused) as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, str(done))
    return redirect(back)
