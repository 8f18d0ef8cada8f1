"""The daily chain over the audit trail: tamper evidence for edits made with the owner's rights.

The database refuses UPDATE and DELETE on the audit table (audit/append_only.py), but the table's
owner can disable the trigger. So each UTC day's events are hashed, once the day is over, into a
digest that includes the previous day's digest (SHA-256; `AuditDigest`). `verify_chain` recomputes
every sealed day from the events now in the table and names the first day that no longer matches:
an event edited, removed or added after its day was sealed, or a digest row changed.

Each digest is also written to the log stream (logger "audit.chain"), which the deployment ships
off the server (AU-09): an owner who rewrites both the events and the digests is caught by
comparing with that copy. Retention's removals go through audit/removal.py, which reseals the
days it touches, so a lawful removal is shown as such and not as tampering.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import AuditDigest, AuditEvent
from audit.services import audit_record

GENESIS = "0" * 64
log = logging.getLogger("audit.chain")


def canonical(event: AuditEvent) -> bytes:
    """One event as canonical JSON: every column, times in UTC, keys sorted."""
    return json.dumps(
        [
            event.pk,
            event.occurred_at.astimezone(datetime.UTC).isoformat(),
            event.actor_id,
            event.action,
            event.object_type,
            event.object_id,
            event.request_id,
            event.ip_address,
            event.detail,
        ],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    ).encode()


def _bounds(day: datetime.date):
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)
    return start, start + datetime.timedelta(days=1)


def day_digest(previous: str, day: datetime.date) -> tuple[str, int]:
    """The digest of `day`'s events chained to `previous`, and how many events it covers."""
    start, end = _bounds(day)
    digest = hashlib.sha256(previous.encode())
    count = 0
    events = AuditEvent.objects.filter(occurred_at__gte=start, occurred_at__lt=end).order_by("pk")
    for event in events.iterator(chunk_size=2000):
        digest.update(b"\n")
        digest.update(canonical(event))
        count += 1
    return digest.hexdigest(), count


def _yesterday() -> datetime.date:
    return timezone.now().astimezone(datetime.UTC).date() - datetime.timedelta(days=1)


def seal_until(day: datetime.date | None = None) -> list[AuditDigest]:
    """Seal every unsealed UTC day up to `day` (yesterday by default), in order; idempotent.

    The first day sealed is the day of the first event; a day without events is sealed too, so
    the chain has no gaps.
    """
    day = day or _yesterday()
    last = AuditDigest.objects.filter(kind=AuditDigest.Kind.SEALED).order_by("-day").first()
    if last is not None:
        current, previous = last.day + datetime.timedelta(days=1), last.digest
    else:
        first = AuditEvent.objects.order_by("occurred_at").values_list("occurred_at", flat=True).first()
        if first is None:
            return []
        current, previous = first.astimezone(datetime.UTC).date(), GENESIS
    sealed = []
    while current <= day:
        digest, count = day_digest(previous, current)
        try:
            with transaction.atomic():
                row = AuditDigest.objects.create(
                    day=current, kind=AuditDigest.Kind.SEALED, events=count, previous=previous, digest=digest
                )
        except IntegrityError:  # sealed meanwhile by another run
            return sealed
        log.info("audit chain sealed day=%s events=%d previous=%s digest=%s", current, count, previous, digest)
        sealed.append(row)
        previous = digest
        current += datetime.timedelta(days=1)
    return sealed


def reseal_days(days) -> None:
    """After retention removed or rewrote events of sealed days (audit/removal.py): record each
    day's new digest, chained to the same previous digest as its seal."""
    for seal in AuditDigest.objects.filter(kind=AuditDigest.Kind.SEALED, day__in=sorted(days)):
        digest, count = day_digest(seal.previous, seal.day)
        AuditDigest.objects.create(
            day=seal.day, kind=AuditDigest.Kind.RESEALED, events=count, previous=seal.previous, digest=digest
        )
        log.info("audit chain resealed day=%s events=%d digest=%s", seal.day, count, digest)


@dataclass
class ChainReport:
    days: int = 0
    first_day: datetime.date | None = None
    last_day: datetime.date | None = None
    first_bad_day: datetime.date | None = None
    problem: str = ""
    resealed: list[datetime.date] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.first_bad_day is None and not self.problem

    def as_detail(self) -> dict:
        return {
            "ok": self.ok,
            "days": self.days,
            "first_day": self.first_day.isoformat() if self.first_day else None,
            "last_day": self.last_day.isoformat() if self.last_day else None,
            "first_bad_day": self.first_bad_day.isoformat() if self.first_bad_day else None,
            "problem": self.problem,
            "resealed_days": len(self.resealed),
        }


def verify_chain() -> ChainReport:
    """Recompute every sealed day and check each link; stop at the first day that does not match."""
    report = ChainReport()
    seals, latest = {}, {}
    for row in AuditDigest.objects.order_by("day", "pk"):
        if row.kind == AuditDigest.Kind.SEALED:
            seals[row.day] = row
        latest[row.day] = row
    previous, expected_day = GENESIS, None
    for day in sorted(seals):
        seal, current = seals[day], latest[day]
        report.days += 1
        report.first_day = report.first_day or day
        report.last_day = day
        if expected_day is not None and day != expected_day:
            report.first_bad_day, report.problem = expected_day, "a day is missing from the chain"
            return report
        if seal.previous != previous or current.previous != previous:
            report.first_bad_day, report.problem = day, "the link to the day before does not match"
            return report
        digest, count = day_digest(previous, day)
        if digest != current.digest or count != current.events:
            report.first_bad_day, report.problem = day, "the day's events no longer match their digest"
            return report
        if current.kind == AuditDigest.Kind.RESEALED:
            report.resealed.append(day)
        previous, expected_day = seal.digest, day + datetime.timedelta(days=1)
    if report.first_day and AuditEvent.objects.filter(occurred_at__lt=_bounds(report.first_day)[0]).exists():
        report.first_bad_day, report.problem = report.first_day, "events dated before the chain begins"
    return report


def verify_and_record(actor=None) -> ChainReport:
    """Verify the chain and write the outcome as an `audit.chain.verified` event (shown to the auditor)."""
    report = verify_chain()
    audit_record(action="audit.chain.verified", actor=actor, detail=report.as_detail())
    (log.info if report.ok else log.error)("audit chain verified: %s", report.as_detail())
    return report


def last_verification() -> AuditEvent | None:
    return AuditEvent.objects.filter(action="audit.chain.verified").order_by("-occurred_at", "-pk").first()
