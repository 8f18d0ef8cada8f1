"""Thin Celery tasks: a service call, no personal data in the message (JR-06)."""

from celery import shared_task
from django.db import OperationalError


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, retry_backoff_max=600, max_retries=3)
def cases_daily_reminders_send() -> int:
    """Daily (07:00 Europe/London, migration 0004): re-route leavers' cases, queue the digest; safe to run twice."""
    from cases.services import cases_daily_reminders_send as send

    return send()
