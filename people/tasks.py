from smtplib import SMTPException

from celery import shared_task
from django.db import OperationalError


@shared_task(autoretry_for=(OperationalError, SMTPException, ConnectionError), retry_backoff=True, max_retries=5)
def password_reset_email_send(user_id: int) -> None:
    """Interface only: send a password-reset link to one account."""
    from people.services import password_reset_email_send as send

    send(user_id=user_id)
