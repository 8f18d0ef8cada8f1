"""Thin Celery tasks: ids in, a service call, nothing else (JR-05, JR-06)."""

from celery import shared_task
from django.conf import settings

from reporting.services import ReportCompileDeferred


@shared_task(
    autoretry_for=(ReportCompileDeferred,),
    retry_backoff=30,
    retry_backoff_max=10 * 60,
    retry_jitter=True,
    max_retries=settings.REPORT_MAX_ATTEMPTS - 1,
)
def report_compile(report_id: int) -> None:
    """Compile one quarterly report; safe to run twice."""
    from reporting.services import report_compile as compile_report

    compile_report(report_id=report_id)


@shared_task(max_retries=0)
def report_schedule_tick() -> None:
    """celery beat, daily: ask for last quarter's report on the first working day after it."""
    from reporting.services import report_schedule_tick as tick

    tick()
