from celery import shared_task
from django.db import OperationalError


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def policy_review_reminders_send() -> int:
    """Daily (07:00 Europe/London, migration 0005): remind administrators of policies due for review."""
    from policies.services import policy_review_reminders_send as send

    return send()
