"""The service types the demo city ships with (staff may change them; a reload keeps edits)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from coverage.models import ServiceType
from facilities.models import Category

# slug, name uk, name en, categories, threshold (m), speed (km/h)
DEMO_SERVICE_TYPES = [
    ("admin-services", "ЦНАП (адміністративні послуги)", "Administrative service centre",
     ["admin_service_centre"], 3000, "4.5"),
    ("school", "Школа", "School", ["school"], 1500, "4.5"),
    ("kindergarten", "Дитячий садок", "Kindergarten", ["kindergarten"], 1000, "3.5"),
    ("primary-care", "Первинна медична допомога", "Primary care clinic", ["clinic"], 2000, "4.0"),
    ("pharmacy", "Аптека", "Pharmacy", ["pharmacy"], 1000, "4.0"),
    ("transport-stop", "Зупинка громадського транспорту", "Public transport stop", ["bus_stop"], 500, "4.5"),
]  # fmt: skip


@transaction.atomic
def service_types_ensure_demo() -> int:
    """Create the demo service types that do not exist yet; returns how many were created.

    Existing ones are left as staff edited them. Types whose categories are not loaded are
    skipped (the demo city's categories come with `load_demo_city`).
    """
    created = 0
    categories = {c.slug: c for c in Category.objects.all()}
    for order, (slug, name_uk, name_en, slugs, threshold, speed) in enumerate(DEMO_SERVICE_TYPES):
        if ServiceType.objects.filter(slug=slug).exists() or not all(s in categories for s in slugs):
            continue
        service_type = ServiceType.objects.create(
            slug=slug,
            name_uk=name_uk,
            name_en=name_en,
            threshold_m=threshold,
            walking_speed_kmh=Decimal(speed),
            order=order,
        )
        service_type.categories.set([categories[s] for s in slugs])
        created += 1
    return created
