"""System checks of the request workflow: routing never dead-ends (issue 20).

A service that routing rules send requests to, with nobody on the portal, would leave those
requests unseen; routing sends them to the front office's triage instead, and this check (run
by `migrate` and `manage.py check --database default`) tells the administrator which services
to staff. It reads the database, so it is tagged `database` and runs only when asked to.
"""

from __future__ import annotations

from django.core.checks import Tags, Warning, register
from django.db import DatabaseError


@register(Tags.database)
def services_have_staff(app_configs=None, databases=None, **kwargs):
    if not databases or "default" not in databases:
        return []
    from citizen_requests.selectors.requests import services_unstaffed

    try:
        services = list(services_unstaffed().filter(routing_rules__is_active=True).distinct())
    except DatabaseError:  # not migrated yet: `migrate` runs the check before it migrates
        return []
    return [
        Warning(
            f"Service “{service.name_uk}” (id {service.pk}) receives requests by routing rules but has no "
            "active staff on the portal: its requests go to the front office's triage.",
            hint="Add its head and process owners under Services in the admin, or change its routing rules.",
            obj=service,
            id="citizen_requests.W001",
        )
        for service in services
    ]
