"""Fixtures of the housing registry's tests: people in each role and a building to work on."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User

from citizen_requests.models import Service
from housing_registry.models import Building, ResponsibleOrganisation


@pytest.fixture
def dispatcher(city) -> User:
    """The demo dispatcher: КП «Житлосервіс-1», technical sections only."""
    return User.objects.get(username="dispatcher")


@pytest.fixture
def gisadmin(city) -> User:
    return User.objects.get(username="gisadmin")


@pytest.fixture
def resident(city) -> User:
    return User.objects.get(username="resident")


@pytest.fixture
def editor(city) -> User:
    """Staff, but of another role (layer editor): no right to the registry."""
    return User.objects.get(username="editor")


def _dispatcher_of(username: str, service_source_id: str) -> User:
    user = User.objects.create_user(
        username, password="x", is_staff=True, first_name="Test", last_name=username
    )
    user.groups.add(Group.objects.get(name="Utility dispatchers"))
    ResponsibleOrganisation.objects.get(service__source_id=service_source_id).members.add(user)
    return User.objects.get(pk=user.pk)  # fresh, without cached permissions


@pytest.fixture
def heat_dispatcher(city) -> User:
    """A dispatcher of the heating company КП «Теплоенерго»: the heating section only."""
    return _dispatcher_of("heat", "svc-teploenergo")


@pytest.fixture
def housing_officer(city) -> User:
    """Housing department staff: every section."""
    return _dispatcher_of("housing", "svc-housing-dept")


@pytest.fixture
def building(city) -> Building:
    """A nine-storey block with elevators, central heating and a known year."""
    return (
        Building.objects.filter(floors=9, heating_type="central", year_built__isnull=False, entrances__gte=2)
        .exclude(elevators=[])
        .order_by("source_id")
        .first()
    )


@pytest.fixture
def teploenergo(city) -> Service:
    return Service.objects.get(source_id="svc-teploenergo")


@pytest.fixture
def pivden(city) -> Service:
    return Service.objects.get(source_id="svc-pivden-teplo")


@pytest.fixture
def other_provider(building, teploenergo, pivden) -> Service:
    """The heat supplier the building does not have (the demo building may be in either area)."""
    return pivden if building.heating_provider_id == teploenergo.pk else teploenergo
