"""The daily job: re-route leavers' cases, then queue the content-free digest."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction

from audit.services import audit_record
from cases.selectors import digest_counts_for, digest_recipient_ids
from cases.services.base import _today
from cases.services.rerouting import cases_reroute_leavers
from notifications.models import OutboxMessage
from notifications.services import notification_queue


def digest_queue(*, today: datetime.date | None = None) -> int:
    """Queue today's digest: one content-free e-mail per person with overdue acknowledgements, reviews
    or actions due (and, for administrators, policies due for review). Returns how many were queued now;
    running it again the same day queues nothing (the dedupe key is per person per date; JR-03, JR-07)."""

    today = today or _today()
    queued = 0
    users = get_user_model().objects.filter(pk__in=digest_recipient_ids(today=today), is_active=True).order_by("pk")
    for user in users:
        key = f"digest:{user.pk}:{today.isoformat()}"
        if OutboxMessage.objects.filter(dedupe_key=key).exists():
            continue
        counts = digest_counts_for(user=user, today=today)
        if not counts.total:
            continue
        with transaction.atomic():
            notification_queue(
                recipient=user,
                template=OutboxMessage.Template.DAILY_DIGEST,
                link="/cases/" if counts.case_total else "/policies/reviews/",
                due_date=today,
                dedupe_key=key,
            )
        queued += 1
    if queued:
        audit_record(action="cases.digest.queued", detail={"date": today.isoformat(), "recipients": queued})
    return queued


def cases_daily_reminders_send(*, today: datetime.date | None = None) -> int:
    """The daily job: re-route cases whose reviewer has left, then queue the digest."""
    cases_reroute_leavers(today=today)
    return digest_queue(today=today)
