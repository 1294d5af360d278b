"""Roles are Django groups with model permissions (DESIGN.md, "Who uses it").

The groups and their permissions are kept in step with this table after every `migrate`;
object-level scoping (which service a head may act for) lives in each app's permissions.py.
"""

from dataclasses import dataclass

from django.apps import apps as global_apps
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Role:
    group: str
    title: str
    staff: bool
    permissions: tuple[str, ...]


VIEW_DIRECTORY = ("facilities.view_category", "facilities.view_facility")
VIEW_CITY = ("city.view_district", "city.view_street", "city.view_streetsegment")
VIEW_SERVICES = ("citizen_requests.view_service", "citizen_requests.view_servicearea")
# The housing registry: which sections of a sheet a user edits is decided per organisation
# in housing_registry/permissions.py; these are the model rights underneath.
VIEW_REGISTRY = (
    "housing_registry.view_building",
    "housing_registry.view_buildingdocument",
    "housing_registry.view_workrecord",
    "housing_registry.view_workattachment",
    "housing_registry.view_contractor",
    "housing_registry.view_responsibleorganisation",
)
KEEP_REGISTRY = (
    "housing_registry.change_building",
    "housing_registry.add_buildingdocument",
    "housing_registry.delete_buildingdocument",
    "housing_registry.add_contractor",
    "housing_registry.change_contractor",
)
# Service coverage analysis (coverage/permissions.py says what each permission opens).
ANALYSE_COVERAGE = (
    "coverage.analyse_coverage",
    "coverage.view_buildingcoverage",
    "coverage.view_servicetype",
)
RESIDENT_COUNTS = (
    "coverage.view_residentcount",
    "coverage.add_residentcount",
    "coverage.change_residentcount",
)
# Requests in the admin: read-only, scoped by citizen_requests.permissions like everywhere else.
VIEW_REQUESTS = (
    "citizen_requests.view_request",
    "citizen_requests.view_category",
    "citizen_requests.view_categorygroup",
    "citizen_requests.view_routingrule",
    "citizen_requests.view_servicemembership",
)
# The front office keeps the routing table and the categories.
MANAGE_ROUTING = (
    "citizen_requests.add_routingrule",
    "citizen_requests.change_routingrule",
    "citizen_requests.delete_routingrule",
    "citizen_requests.change_category",
    "citizen_requests.view_notification",
)
# Features of GIS layers: editors work on the layers they are granted (Layer.editors),
# GIS admins on all of them (gis_layers/permissions.py).
EDIT_FEATURES = (
    "gis_layers.view_layer",
    "gis_layers.view_feature",
    "gis_layers.add_feature",
    "gis_layers.change_feature",
    "gis_layers.delete_feature",
)

# City notices (notices/permissions.py): heads publish for their service, the notices role for all.
PUBLISH_NOTICES = (
    "notices.publish_notice",
    "notices.view_notice",
    "notices.view_noticechange",
    "notices.view_linkedrequest",
)

# The requests dashboard: figures for the city's leaders, heads of services and the front office.
VIEW_DASHBOARD = ("citizen_requests.view_dashboard",)

ROLES: dict[str, Role] = {
    "resident": Role("Residents", _("Resident"), False, ()),
    "front_office": Role(
        "Front office",
        _("Front office (registrar)"),
        True,
        (*VIEW_SERVICES, *VIEW_REQUESTS, *MANAGE_ROUTING, *VIEW_DASHBOARD),
    ),
    "service_head": Role(
        "Service heads",
        _("Service head"),
        True,
        (*VIEW_SERVICES, *VIEW_REQUESTS, *ANALYSE_COVERAGE, *VIEW_DASHBOARD, *PUBLISH_NOTICES),
    ),
    "notices": Role("Notices editors", _("Notices editor"), True, (*VIEW_SERVICES, *PUBLISH_NOTICES)),
    "city_leader": Role("City leaders", _("City leader"), True, (*VIEW_SERVICES, *VIEW_DASHBOARD)),
    "process_owner": Role(
        "Process owners", _("Process owner (executor)"), True, (*VIEW_SERVICES, *VIEW_REQUESTS)
    ),
    "approver": Role("Approvers", _("Approver"), True, (*VIEW_SERVICES, *VIEW_REQUESTS)),
    "dispatcher": Role(
        "Utility dispatchers",
        _("Utility dispatcher"),
        True,
        (
            *VIEW_REGISTRY,
            *KEEP_REGISTRY,
            "housing_registry.add_workrecord",
            "housing_registry.change_workrecord",
            "housing_registry.add_workattachment",
            *VIEW_CITY,
            *RESIDENT_COUNTS,
        ),
    ),
    "layer_editor": Role(
        "Layer editors",
        _("Layer editor"),
        True,
        (
            *VIEW_DIRECTORY,
            "facilities.add_facility",
            "facilities.change_facility",
            *VIEW_CITY,
            *EDIT_FEATURES,
        ),
    ),
    "gis_admin": Role(
        "GIS admins",
        _("City IT (GIS admin)"),
        True,
        (
            *VIEW_DIRECTORY,
            "facilities.add_facility",
            "facilities.change_facility",
            "facilities.delete_facility",
            "facilities.add_category",
            "facilities.change_category",
            *VIEW_CITY,
            "city.change_district",
            "city.change_street",
            "city.change_streetsegment",
            *VIEW_REGISTRY,
            *KEEP_REGISTRY,
            "housing_registry.edit_all_sections",
            "housing_registry.change_responsibleorganisation",
            *VIEW_SERVICES,
            "citizen_requests.change_servicearea",
            *ANALYSE_COVERAGE,
            "coverage.run_coverage",
            "coverage.add_servicetype",
            "coverage.change_servicetype",
            "coverage.delete_servicetype",
            *RESIDENT_COUNTS,
            "coverage.delete_residentcount",
            # City IT registers the Open311 apps and issues their api keys.
            "citizen_requests.view_apiclient",
            "citizen_requests.add_apiclient",
            "citizen_requests.change_apiclient",
            *EDIT_FEATURES,
            "gis_layers.add_layer",
            "gis_layers.change_layer",
            "gis_layers.delete_layer",
            "gis_layers.import_layer",
            "gis_layers.view_importjob",
        ),
    ),
}


def sync_roles(using: str = "default") -> None:
    """Create the role groups and give each exactly the permissions listed above."""
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    for role in ROLES.values():
        group, _created = Group.objects.using(using).get_or_create(name=role.group)
        wanted = []
        for dotted in role.permissions:
            app_label, codename = dotted.split(".")
            wanted.append(
                Permission.objects.using(using).get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(wanted)


@receiver(post_migrate)
def _sync_roles_after_migrate(sender, using="default", **kwargs):
    if sender.name == "core":
        sync_roles(using=using)
