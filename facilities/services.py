"""Operations that change the facility directory."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from facilities import opening_hours
from facilities.models import Facility, OpeningPeriod


@transaction.atomic
def facility_sync_opening_periods(*, facilities: Iterable[Facility]) -> int:
    """Rebuild the weekly periods of the given facilities from their opening_hours text.

    Raises OpeningHoursError (with the facility named) if a text cannot be parsed; returns
    the number of periods written.
    """
    facilities = list(facilities)
    rows = []
    for facility in facilities:
        try:
            periods = opening_hours.parse(facility.opening_hours)
        except opening_hours.OpeningHoursError as exc:
            raise opening_hours.OpeningHoursError(f"{facility.name_uk}: {exc}") from None
        rows += [
            OpeningPeriod(
                facility=facility, weekday=p.weekday, opens=p.opens, closes=p.closes, months=list(p.months)
            )
            for p in periods
        ]
    OpeningPeriod.objects.filter(facility__in=facilities).delete()
    OpeningPeriod.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
