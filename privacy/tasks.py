"""Celery tasks of the privacy app: interfaces only, taking ids and calling a service."""

from celery import shared_task
from django.db import OperationalError


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def retention_run_daily() -> int:
    """The daily retention job (beat, privacy migration 0003): remove what the schedule says is due."""
    from privacy.retention_removal import retention_run

    return retention_run().pk
