"""The demo city's requests along the route (issue 8): one request in every stage, worked by
the demo staff through the same service functions the portal uses, an approval route template
per service that has staff, and the units of the demo staff. Idempotent: a stage whose request
exists (marked by its device id) is left as it is.

Most of the demo's services have nobody on the portal, as in a city whose utilities join one by
one: their requests go to the front office's triage with that reason (routing.py, "no_staff"),
and the "forwarded" stage shows the front office forwarding one to a service that has staff.

The demo messages are recorded as sent: loading the demo does not mail anybody.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.gis.db.models.functions import PointOnSurface

from citizen_requests.models import (
    ApprovalTemplate,
    ApprovalTemplateStep,
    Category,
    Notification,
    Request,
    Service,
    ServiceArea,
    ServiceMembership,
)

MARK = "demo-route:"
UNITS = {"executor": "Дільниця № 3 (вул. Гірників)"}
TEXTS = {
    "assigned": "У під'їзді № 2 не зачиняються вхідні двері, доводчик зламаний.",
    "in_progress": "На сходовій клітці третього поверху не світить лампа.",
    "info_requested": "У під'їзді облупилася фарба на стінах, просимо пофарбувати.",
    "approval_first": "Розбите скло у вікні між другим і третім поверхами.",
    "approval_second": "Поштові скриньки в під'їзді зламані, не зачиняються.",
    "approved": "Сміття на сходах біля ліфта не прибирають уже тиждень.",
    "resolved": "Не працює освітлення над входом у під'їзд № 1.",
    "closed": "Протікає дах над п'ятим поверхом після дощу.",
    "rejected": "Прошу встановити шлагбаум на в'їзді у двір.",
    "forwarded": "У підвалі під'їзду стоїть вода, пахне каналізацією.",
    "returned": "Потрібно замінити перила на сходах першого поверху.",
}


def _pdf(title: str) -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
        b"% " + title.encode() + b"\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )


def approval_templates_ensure() -> int:
    """A default approval route for each service with approvers or a head: its approvers in
    order of their accounts, then its head. Returns how many were created."""
    created = 0
    for service in Service.objects.exclude(kind=Service.Kind.FRONT_OFFICE):
        members = list(
            ServiceMembership.objects.filter(
                service=service,
                position__in=[ServiceMembership.Position.APPROVER, ServiceMembership.Position.HEAD],
            )
            .select_related("user")
            .order_by("position", "user__username")  # approvers ("approver") before the head ("head")
        )
        approvers = [m.user for m in members if m.position == "approver"] + [
            m.user for m in members if m.position == "head"
        ]
        if not approvers or ApprovalTemplate.objects.filter(service=service).exists():
            continue
        template = ApprovalTemplate.objects.create(service=service, name="Заступник(и), потім керівник")
        for order, user in enumerate(approvers, 1):
            ApprovalTemplateStep.objects.create(template=template, order=order, approver=user)
        created += 1
    return created


def demo_route_requests_ensure() -> int:
    """One demo request per stage of the route; returns how many were created."""
    from citizen_requests.services import approvals, workflow
    from citizen_requests.services.intake import Upload, request_submit

    User = get_user_model()
    people = {u.username: u for u in User.objects.filter(username__in=[
        "resident", "head", "executor", "approver", "deputy", "registrar",
    ])}  # fmt: skip
    if len(people) < 6 or not ServiceArea.objects.filter(source_id="area-housing-2").exists():
        return 0
    for username, unit in UNITS.items():
        ServiceMembership.objects.filter(user=people[username], unit="").update(unit=unit)
    area = ServiceArea.objects.annotate(p=PointOnSurface("area")).get(source_id="area-housing-2")
    category = Category.objects.get(slug="entrance")
    sewer = Category.objects.get(slug="sewer")
    head, owner, registrar = people["head"], people["executor"], people["registrar"]
    first, second, resident = people["approver"], people["deputy"], people["resident"]
    done = set(Request.objects.filter(device_id__startswith=MARK).values_list("device_id", flat=True))
    created = []

    def fresh(r):
        return Request.objects.get(pk=r.pk)

    def draft(r, text="Роботи виконано, акт додано."):
        workflow.request_appoint(request=fresh(r), actor=head, owner=owner)
        approvals.response_draft(
            request=fresh(r), actor=owner, text=text, files=[Upload("akt-vykonanykh-robit.pdf", _pdf("akt"))]
        )
        approvals.response_send_for_approval(request=fresh(r), actor=owner, approvers=[first, second])

    for n, (stage, text) in enumerate(TEXTS.items()):
        if MARK + stage in done:
            continue
        r = request_submit(
            category=sewer if stage == "forwarded" else category, text=text, location=area.p, applicant=resident, device_id=MARK + stage,
            visibility=Request.Visibility.CONFIDENTIAL if stage == "info_requested" else Request.Visibility.PUBLIC,
        )  # fmt: skip
        created.append(r.pk)
        if stage == "assigned":
            continue
        if stage == "rejected":
            workflow.request_reject(
                request=fresh(r), actor=head, reason="Встановлення шлагбаума вирішують співвласники."
            )
            continue
        if stage == "forwarded":
            # Filed as a blocked sewer: КП «Водоканал» has no staff on the portal, so routing
            # sent it to triage, and the front office forwards it to the building's managers.
            workflow.request_forward(
                request=fresh(r), actor=registrar, service=Service.objects.get(source_id="svc-zhytloservis-2"),
                reason="Вода в підвалі — з внутрішньобудинкової мережі, її обслуговує КП «Житлосервіс-2».",
            )  # fmt: skip
            continue
        if stage in ("in_progress", "info_requested"):
            workflow.request_appoint(request=fresh(r), actor=head, owner=owner)
            workflow.request_comment(request=fresh(r), actor=owner, text="Майстер огляне в четвер.")
            if stage == "info_requested":
                workflow.request_info_ask(
                    request=fresh(r), actor=owner, question="Який номер під'їзду і поверх?"
                )
            continue
        draft(r)
        if stage == "approval_first":
            continue
        if stage == "returned":
            approvals.response_return(request=fresh(r), actor=first, comment="Вкажіть дату виконання робіт.")
            continue
        approvals.response_approve(request=fresh(r), actor=first, comment="Погоджено.")
        if stage == "approval_second":
            continue
        approvals.response_approve(request=fresh(r), actor=second)
        if stage == "approved":
            continue
        approvals.response_register(request=fresh(r), actor=registrar, outgoing_number=f"03-14/{2040 + n}")
        if stage == "closed":
            workflow.request_close(request=fresh(r), actor=resident)
    # The demo does not mail anybody: its messages count as sent.
    Notification.objects.filter(request_id__in=created).update(state=Notification.State.SENT)
    return len(created)
