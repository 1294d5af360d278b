"""Who may do what with coverage analysis, in one place.

Everyone sees the public page and the aggregate API (districts, city, hexagons of public
service types). Per-building results, site suggestions, what-if and exports are for staff
with `coverage.analyse_coverage` (GIS admins, service heads); starting a recompute needs
`coverage.run_coverage` (GIS admins); service types are edited in the admin by whoever holds
the model permissions.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "analyse": "coverage.analyse_coverage",
    "run": "coverage.run_coverage",
}

REFUSALS = {
    "analyse": _("Only staff with access to coverage analysis may see per-building results."),
    "run": _("Only city IT may start a recompute of the coverage."),
}


def can(user, action: str) -> bool:
    return bool(
        user is not None and user.is_authenticated and user.is_active and user.is_staff
        and user.has_perm(ACTIONS[action])
    )  # fmt: skip


def ensure_can(user, action: str) -> None:
    """Raise PermissionDenied (with a message for people) unless `user` may do `action`."""
    if not can(user, action):
        raise PermissionDenied(REFUSALS[action])
