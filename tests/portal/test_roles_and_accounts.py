"""Roles as groups, one demo account per role, and who may open what in the admin."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command

from core.roles import ROLES
from demo.accounts import DEMO_ACCOUNTS


def test_every_role_is_a_group_with_exactly_its_permissions(db):
    for role in ROLES.values():
        group = Group.objects.get(name=role.group)
        granted = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert granted == set(role.permissions), role.group


def test_demo_accounts_cover_every_role(city):
    roles = {a.role for a in DEMO_ACCOUNTS}
    assert roles == set(ROLES) | {"admin"}
    for account in DEMO_ACCOUNTS:
        user = User.objects.get(username=account.username)
        assert user.check_password("misto-demo")
        if account.role != "admin":
            assert user.groups.filter(name=ROLES[account.role].group).exists()
            assert user.is_staff == ROLES[account.role].staff


def test_demo_accounts_command_prints_each_account(city, capsys):
    call_command("demo_accounts")
    out = capsys.readouterr().out
    for account in DEMO_ACCOUNTS:
        assert account.username in out
    assert "misto-demo" in out


def test_a_changed_password_is_kept_and_not_printed(city, capsys):
    from demo.accounts import demo_accounts_ensure

    user = User.objects.get(username="dispatcher")
    user.set_password("dispatcher-own-secret")
    user.save()
    demo_accounts_ensure()
    user.refresh_from_db()
    assert user.check_password("dispatcher-own-secret")
    call_command("demo_accounts")
    assert "(changed by its owner)" in capsys.readouterr().out


@pytest.mark.parametrize(
    "username, status",
    [
        ("resident", 302),  # not staff: sent to the admin login
        ("editor", 403),  # staff, but no right to the housing registry
        ("dispatcher", 200),
        ("gisadmin", 200),
    ],
)
def test_building_sheets_in_admin_only_for_housing_roles(city, client, username, status):
    client.force_login(User.objects.get(username=username))
    response = client.get("/admin/housing_registry/building/")
    assert response.status_code == status


def test_anonymous_visitor_is_sent_to_login_for_the_registry(city, client):
    response = client.get("/admin/housing_registry/building/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_account_page_needs_login_and_shows_roles(city, client):
    assert client.get("/accounts/").status_code == 302
    client.force_login(User.objects.get(username="dispatcher"))
    html = client.get("/accounts/").content.decode()
    assert "Диспетчер комунальної служби" in html


def test_login_with_demo_password_works(city, client):
    response = client.post("/accounts/login/", {"username": "resident", "password": "misto-demo"})
    assert response.status_code == 302
    wrong = client.post("/accounts/login/", {"username": "resident", "password": "nope"})
    assert "Неправильне ім'я користувача або пароль" in wrong.content.decode()
