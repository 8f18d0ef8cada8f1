"""Thin Celery tasks: ids in, a service call, nothing else (JR-05, JR-06)."""

from celery import shared_task


@shared_task(max_retries=0)
def audit_chain_daily() -> None:
    """celery beat, daily: seal yesterday (and any day missed) into the chain, then verify it all."""
    from audit.chain import seal_until, verify_and_record

    seal_until()
    verify_and_record()
