"""Demo accounts: one per role of DESIGN.md, all with the demo password (a setting)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from core.roles import ROLES


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str  # a key of core.roles.ROLES, or "admin" for the superuser
    first_name: str
    last_name: str


DEMO_ACCOUNTS = [
    DemoAccount("resident", "resident", "Олена", "Коваленко"),
    DemoAccount("registrar", "front_office", "Ірина", "Шевченко"),
    DemoAccount("head", "service_head", "Андрій", "Бондаренко"),
    DemoAccount("executor", "process_owner", "Сергій", "Ткаченко"),
    DemoAccount("approver", "approver", "Наталія", "Кравченко"),
    DemoAccount("deputy", "approver", "Марина", "Савченко"),
    DemoAccount("leader", "city_leader", "Олександр", "Петренко"),
    DemoAccount("dispatcher", "dispatcher", "Віктор", "Мельник"),
    DemoAccount("editor", "layer_editor", "Оксана", "Олійник"),
    DemoAccount("notices", "notices", "Тетяна", "Марченко"),
    DemoAccount("gisadmin", "gis_admin", "Юрій", "Лисенко"),
    DemoAccount("admin", "admin", "Адміністратор", "Порталу"),
]


def role_title(role: str) -> str:
    return "Superuser (Django admin)" if role == "admin" else str(ROLES[role].title)


def demo_accounts_ensure() -> tuple[int, int]:
    """Create missing demo accounts and keep their roles; returns (created, unchanged).

    Existing accounts keep their password: a second load changes nothing.
    """
    User = get_user_model()
    created = unchanged = 0
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(username=account.username).first()
        if user is None:
            user = User(
                username=account.username,
                first_name=account.first_name,
                last_name=account.last_name,
                email=f"{account.username}@misto.localhost",
            )
            user.set_password(settings.MISTO_DEMO_PASSWORD)
            created += 1
        else:
            unchanged += 1
        if account.role == "admin":
            user.is_staff = user.is_superuser = True
            user.save()
            continue
        role = ROLES[account.role]
        user.is_staff = role.staff
        user.save()
        user.groups.add(Group.objects.get(name=role.group))
    demo_memberships_ensure()
    return created, unchanged


def demo_memberships_ensure() -> None:
    """The demo staff's places in the services that answer requests (once the services exist)."""
    from citizen_requests.models import Service, ServiceMembership
    from demo.routing_rules import MEMBERSHIPS

    User = get_user_model()
    services = {s.source_id: s for s in Service.objects.filter(source_id__in=[m[1] for m in MEMBERSHIPS])}
    for username, service_id, position in MEMBERSHIPS:
        user = User.objects.filter(username=username).first()
        if user is not None and service_id in services:
            ServiceMembership.objects.get_or_create(
                service=services[service_id], user=user, defaults={"position": position}
            )


def demo_accounts_table() -> list[tuple[str, str, str]]:
    """(username, role, password as far as we know it) for the accounts that exist."""
    User = get_user_model()
    rows = []
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(username=account.username).first()
        if user is None:
            continue
        password = (
            settings.MISTO_DEMO_PASSWORD
            if user.check_password(settings.MISTO_DEMO_PASSWORD)
            else "(changed by its owner)"
        )
        rows.append((account.username, role_title(account.role), password))
    return rows
