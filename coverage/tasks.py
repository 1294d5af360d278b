"""Background work of coverage analysis (Celery, the `worker` service)."""

from celery import shared_task


@shared_task(acks_late=True)
def coverage_run_task(run_id: int) -> str:
    """Execute a queued coverage run; its progress and outcome are kept on the run."""
    from coverage.services import coverage_run_execute

    return coverage_run_execute(run_id=run_id).status


@shared_task(acks_late=True)
def coverage_summaries_task() -> None:
    """Refresh the district, city and hexagon figures after population figures changed."""
    from coverage.services import coverage_summaries_refresh

    coverage_summaries_refresh()
