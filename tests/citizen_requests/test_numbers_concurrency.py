"""Registration numbers stay unique and gap-free when residents file at the same moment:
threads, each with its own connection, file concurrently against the real database and
commit (no test transaction around them), then the rows are removed again."""

from __future__ import annotations

import threading

from django.db import connections
from django.utils import timezone

from citizen_requests.models import Request
from tests.citizen_requests.builders import file_request

THREADS = 8
EACH = 4


def test_concurrent_filings_get_unique_consecutive_numbers(committed, django_db_blocker):
    start = threading.Barrier(THREADS)
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def resident_files():
        try:
            with django_db_blocker.unblock():
                start.wait()
                for _ in range(EACH):
                    number = file_request(category="pothole").number
                    with lock:
                        numbers.append(number)
        except BaseException as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=resident_files) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert len(numbers) == THREADS * EACH == len(set(numbers))
    with django_db_blocker.unblock():
        stored = sorted(Request.objects.filter(number__in=numbers).values_list("number", flat=True))
    assert stored == sorted(numbers)
    sequence = sorted(int(n.split("-")[1]) for n in numbers)
    assert sequence == list(range(sequence[0], sequence[0] + THREADS * EACH)), "numbers have gaps"


def test_numbers_follow_the_year_and_six_digits(city):
    first, second = file_request(), file_request()
    year = str(timezone.localdate().year)
    assert first.number.startswith(f"{year}-") and len(first.number) == len(year) + 7
    assert int(second.number[-6:]) == int(first.number[-6:]) + 1
