"""Thin Celery tasks: ids in, a service call, nothing else (JR-06)."""

from celery import shared_task

from notifications.services import DeliveryDeferred


@shared_task(
    autoretry_for=(DeliveryDeferred,),
    retry_backoff=30,
    retry_backoff_max=15 * 60,
    retry_jitter=True,
    max_retries=5,
)
def outbox_deliver(message_id: int) -> bool:
    """Send one outbox message; safe to run twice."""
    from notifications.services import outbox_deliver as deliver

    return deliver(message_id=message_id)


@shared_task(max_retries=0)
def outbox_relay_pending() -> int:
    """Publish pending outbox messages again (celery beat, every minute)."""
    from notifications.services import outbox_relay_pending as relay

    return relay()
