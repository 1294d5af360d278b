"""Everything that changes the housing registry (thin views call these)."""

from housing_registry.services.sheets import (
    building_document_add,
    building_document_remove,
    building_restore,
    building_section_update,
)
from housing_registry.services.works import work_attachment_add, work_record_create, work_record_update

__all__ = [
    "building_document_add",
    "building_document_remove",
    "building_restore",
    "building_section_update",
    "work_attachment_add",
    "work_record_create",
    "work_record_update",
]
