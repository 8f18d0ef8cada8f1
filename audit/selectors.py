"""Reads of the audit trail, by who is asking.

Hidden actors (the speak-up rule, DESIGN §6 "only the guardian sees who raised it"): an app above
audit registers a provider (`hidden_actor_register`, from its AppConfig.ready(), so audit imports
no app) that answers which events were caused by the person who raised a speak-up concern. For
everyone but the speak-up guardian those events carry `actor_hidden=True`; the pages then show
"the person who raised it" instead of the user, hide the address, and the user-name filter skips
them, so that typing a guessed name cannot find them either. The auditor may reveal one with a
reason (privacy.views.audit_actor_reveal), which is itself an audited event that the guardian is told of.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When

from audit.models import AuditEvent
from audit.permissions import can_read_audit_trail
from core.roles import Role, has_role

HIDDEN_ACTOR_LABEL = "the person who raised it"

_HIDDEN_ACTOR_PROVIDERS: list[Callable[[], Q | None]] = []


def hidden_actor_register(provider: Callable[[], Q | None]) -> None:
    """Add a provider: a function returning a Q over AuditEvent for events whose actor must stay hidden."""
    if provider not in _HIDDEN_ACTOR_PROVIDERS:
        _HIDDEN_ACTOR_PROVIDERS.append(provider)


def hidden_actor_q() -> Q | None:
    """Events whose actor only the speak-up guardian may see, or None when there are none."""
    found = [q for q in (provider() for provider in _HIDDEN_ACTOR_PROVIDERS) if q is not None]
    if not found:
        return None
    combined = Q()
    for q in found:
        combined |= q
    return combined


def audit_event_list_for(user) -> QuerySet[AuditEvent]:
    """The audit events this user may read, newest first: all of them for the auditor, none otherwise.

    Each row has `actor_hidden`: True when the actor is the person who raised a speak-up concern and
    the reader is not the speak-up guardian.
    """
    if not can_read_audit_trail(user):
        return AuditEvent.objects.none()
    hidden = None if has_role(user, Role.SPEAK_UP_GUARDIAN) else hidden_actor_q()
    flag = (
        Case(When(hidden, then=Value(True)), default=Value(False), output_field=BooleanField())
        if hidden is not None
        else Value(False, output_field=BooleanField())
    )
    return AuditEvent.objects.select_related("actor").annotate(actor_hidden=flag).order_by("-occurred_at", "-pk")


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
