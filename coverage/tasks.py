"""Background work of coverage analysis (Celery, the `worker` service)."""

from celery import shared_task

from coverage.services import coverage_run_execute, coverage_summaries_refresh


@shared_task(acks_late=True)
def coverage_run_task(run_id: int) -> str:
    """Execute a queued coverage run; its progress and outcome are kept on the run."""
    return coverage_run_execute(run_id=run_id).status


@shared_task(acks_late=True)
def coverage_summaries_task() -> None:
    """Refresh the district, city and hexagon figures after population figures changed."""
    coverage_summaries_refresh()
