import datetime
from dataclasses import dataclass

from django.db.models import QuerySet

from audit.models import AuditEvent
from audit.permissions import can_read_audit_trail


def audit_event_list_for(user) -> QuerySet[AuditEvent]:
    """The audit events this user may read, newest first: all of them for the auditor, none otherwise."""
    if not can_read_audit_trail(user):
        return AuditEvent.objects.none()
    return AuditEvent.objects.select_related("actor").order_by("-occurred_at", "-pk")


@dataclass(frozen=True)
class ChainStatus:
    """The outcome of the last check of the daily chain (audit.chain), for the auditor's page."""

    checked_at: datetime.datetime
    ok: bool
    days: int
    last_day: datetime.date | None
    first_bad_day: datetime.date | None
    problem: str
    resealed_days: int


def audit_chain_status() -> ChainStatus | None:
    event = AuditEvent.objects.filter(action="audit.chain.verified").order_by("-occurred_at", "-pk").first()
    if event is None:
        return None
    detail = event.detail

    def day(key):
        return datetime.date.fromisoformat(detail[key]) if detail.get(key) else None

    return ChainStatus(
        checked_at=event.occurred_at,
        ok=bool(detail.get("ok")),
        days=detail.get("days", 0),
        last_day=day("last_day"),
        first_bad_day=day("first_bad_day"),
        problem=detail.get("problem", ""),
        resealed_days=detail.get("resealed_days", 0),
    )
