"""The housing registry's data: building sheets, documents, the works log, organisations."""

from housing_registry.models.building import Building, elevators_problems
from housing_registry.models.documents import BuildingDocument
from housing_registry.models.organisations import ResponsibleOrganisation
from housing_registry.models.works import Contractor, WorkAttachment, WorkRecord

__all__ = [
    "Building",
    "BuildingDocument",
    "Contractor",
    "ResponsibleOrganisation",
    "WorkAttachment",
    "WorkRecord",
    "elevators_problems",
]
