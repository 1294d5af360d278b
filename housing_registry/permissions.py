"""Who may do what in the housing registry: every object-level check lives here.

- Viewing anything of the registry (pages, API, map data, reports, exports, documents) needs
  `housing_registry.view_building` (utility dispatchers, GIS admins, superusers).
- Editing a section of a sheet needs `change_building` and responsibility for that section:
  either through the user's organisations (ResponsibleOrganisation.members: a heating
  company answers for heating, a housing maintenance company for the technical sections, the
  housing department for all) or the `edit_all_sections` permission (city IT).
- Works on a building's system follow the section responsible for that system.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.models import AnonymousUser, User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from housing_registry.sections import SECTION_BY_SLUG, SECTION_SLUGS, SYSTEM_SECTION, section_of_field

VIEW = "housing_registry.view_building"
CHANGE = "housing_registry.change_building"
ALL_SECTIONS = "housing_registry.edit_all_sections"


def can_view_registry(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_perm(VIEW))


def editable_sections(user: User | AnonymousUser) -> frozenset[str]:
    """The sections this user may edit on any sheet (cached on the user object per request)."""
    if not can_view_registry(user) or not user.has_perm(CHANGE):
        return frozenset()
    cached = getattr(user, "_registry_sections", None)
    if cached is not None:
        return cached
    if user.is_superuser or user.has_perm(ALL_SECTIONS):
        sections = frozenset(SECTION_SLUGS)
    else:
        sections = frozenset(
            s for org in user.registry_organisations.all() for s in org.sections if s in SECTION_BY_SLUG
        )
    user._registry_sections = sections
    return sections


def editable_sheet_fields(user) -> frozenset[str]:
    """The fields of a sheet `user` may change: those of their sections (any other interface,
    the Django admin included, shows the rest read-only)."""
    return frozenset(f for s in editable_sections(user) for f in SECTION_BY_SLUG[s].fields)


def can_edit_section(user, section: str) -> bool:
    return section in editable_sections(user)


def ensure_can_view(user) -> None:
    if not can_view_registry(user):
        raise PermissionDenied(_("The housing registry is for registry staff only."))


def ensure_can_edit_section(user, section: str) -> None:
    ensure_can_view(user)
    if not can_edit_section(user, section):
        title = SECTION_BY_SLUG[section].title if section in SECTION_BY_SLUG else section
        raise PermissionDenied(
            _("Your organisation is not responsible for the section “%(section)s” of the sheets.")
            % {"section": title}
        )


def ensure_can_edit_fields(user, fields) -> None:
    """For restores and imports, which touch several sections at once: all must be the user's."""
    for section in sorted({section_of_field(f) for f in fields} - {None}):
        ensure_can_edit_section(user, section)


def can_log_work(user, system: str) -> bool:
    return (
        can_view_registry(user)
        and user.has_perm("housing_registry.add_workrecord")
        and can_edit_section(user, SYSTEM_SECTION.get(system, "condition"))
    )


def can_change_work(user, work) -> bool:
    return (
        can_view_registry(user)
        and user.has_perm("housing_registry.change_workrecord")
        and can_edit_section(user, SYSTEM_SECTION.get(work.system, "condition"))
    )


def ensure_can_log_work(user, system: str) -> None:
    ensure_can_view(user)
    if not can_log_work(user, system):
        raise PermissionDenied(_("Your organisation does not keep works on this system."))


def ensure_can_change_work(user, work) -> None:
    ensure_can_view(user)
    if not can_change_work(user, work):
        raise PermissionDenied(_("Your organisation does not keep works on this system."))


def loggable_systems(user) -> list[str]:
    return [system for system in SYSTEM_SECTION if can_log_work(user, system)]


def registry_staff_required(view):
    """Every page, data endpoint, file and export of the registry: anonymous visitors are
    sent to log in, signed-in people without the registry right get 403 with a reason."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            ensure_can_view(request.user)
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            return render(request, "housing_registry/forbidden.html", {"reason": str(exc)}, status=403)

    return wrapper


def registry_staff_data(view):
    """The staff map's tiles and summary, fetched by the page's script: whoever may not view
    the registry (anonymous included: a script cannot follow a login page) gets 403 as JSON."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_view_registry(request.user):
            message = _("The housing registry is for registry staff only.")
            return JsonResponse({"error": {"code": "forbidden", "message": message}}, status=403)
        return view(request, *args, **kwargs)

    return wrapper
