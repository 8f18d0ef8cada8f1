"""Reads for retention (docs/retention.md): which rule applies to a record, when it falls due, what
legal holds keep, and what the job would remove. The writes are in privacy/retention_removal.py.

One meaning per idea: `case_group_of` is the only place a closed case is sorted into a group of the
schedule, and `held_case_ids` / `held_staff_ids` / `held_service_user_ids` the only place holds are
turned into "what is kept".
"""

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from audit.models import AuditEvent
from cases.models import Case, Outcome
from notifications.models import OutboxMessage
from people.models import CarerOrRelative, ProcessingRestriction, Relationship, ServiceUser, StaffMember
from privacy.models import (
    CaseGroup,
    LegalHold,
    RecordType,
    RetentionDisposal,
    RetentionRule,
    RetentionRun,
    RightsRequest,
)

LOOKAHEAD_DAYS = 90

UNFOUNDED_OUTCOMES = (Outcome.UNFOUNDED, Outcome.MALICIOUS)
NOT_SUBSTANTIATED_OUTCOMES = (Outcome.NOT_SUBSTANTIATED,)
SUBSTANTIATED_OUTCOMES = (
    Outcome.MANAGED_ARRANGEMENT,
    Outcome.GUIDANCE,
    Outcome.TRAINING,
    Outcome.DISCIPLINARY,
    Outcome.EXTERNAL_REFERRAL,
)


def case_group_of(*, outcome: str, is_safeguarding: bool, about_staff: bool) -> str:
    """The group of the schedule a closed case belongs to (docs/retention.md "How a case is grouped").

    Unfounded and malicious allegations come first, whatever else is true: Keeping children safe in
    education removes them from personnel records. A safeguarding case about a member of staff is an
    allegation about a person in a position of trust and is kept longest.
    """
    if outcome in UNFOUNDED_OUTCOMES:
        return CaseGroup.UNFOUNDED_OR_MALICIOUS
    if is_safeguarding and about_staff:
        return CaseGroup.POSITION_OF_TRUST
    if outcome in SUBSTANTIATED_OUTCOMES:
        return CaseGroup.SUBSTANTIATED
    if outcome in NOT_SUBSTANTIATED_OUTCOMES:
        return CaseGroup.NOT_SUBSTANTIATED
    return CaseGroup.OTHER


def due_date(start: datetime.date, rule: RetentionRule) -> datetime.date | None:
    """The day a record counted from `start` falls due under `rule`; None when the rule keeps it."""
    if rule.period_months is None:
        return None
    return start + relativedelta(months=rule.period_months)


def rules_by_key() -> dict[tuple[str, str], RetentionRule]:
    return {(r.record_type, r.case_group): r for r in RetentionRule.objects.all()}


# -- legal holds ---------------------------------------------------------------------------------


# Where a case names a person: the paths a hold on that person follows, and that keep a person's record
# while a case still kept names them.
STAFF_PATHS = (
    "subjects",
    "involvements__staff",
    "disclosures__reporter",
    "disclosures__subjects",
    "subject_notices__subject",
    "support_offered__staff",
)
SERVICE_USER_PATHS = (
    "service_users",
    "involvements__service_user",
    "involvements__carer__service_user",
    "disclosures__service_users",
    "disclosures__carers__service_user",
)
# A leaver who reviewed or signed off a kept case stays named on it.
STAFF_KEPT_PATHS = (*STAFF_PATHS, "reviewer", "signed_off_by")


def _naming(paths, ids) -> Q:
    q = Q()
    for path in paths:
        q |= Q(**{f"{path}__in": ids})
    return q


def _named_by(cases: QuerySet, paths, ids) -> set[int]:
    """Which of `ids` the `cases` name through any of `paths`."""
    named = set()
    for path in paths:
        named |= set(cases.filter(**{f"{path}__in": ids}).values_list(path, flat=True))
    return named


def held_staff_ids() -> set[int]:
    return set(LegalHold.objects.active().filter(staff__isnull=False).values_list("staff_id", flat=True))


def held_service_user_ids() -> set[int]:
    return set(LegalHold.objects.active().filter(service_user__isnull=False).values_list("service_user_id", flat=True))


def held_case_ids() -> set[int]:
    """Every case a legal hold keeps: held itself, or naming a held person in any part."""
    ids = set(LegalHold.objects.active().filter(case__isnull=False).values_list("case_id", flat=True))
    staff, service_users = held_staff_ids(), held_service_user_ids()
    if staff:
        ids |= set(Case.objects.filter(_naming(STAFF_PATHS, staff)).values_list("pk", flat=True))
    if service_users:
        ids |= set(Case.objects.filter(_naming(SERVICE_USER_PATHS, service_users)).values_list("pk", flat=True))
    return ids


def case_is_held(case: Case) -> bool:
    return case.pk in held_case_ids()


def legal_hold_list() -> QuerySet[LegalHold]:
    """Holds in force, the ones to review first at the top."""
    return (
        LegalHold.objects.active()
        .select_related("case", "staff", "service_user", "placed_by")
        .order_by("review_date", "pk")
    )


# -- what falls due ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    """One record the schedule removes on `due` (a case, a person, or a batch of rows)."""

    record_type: str
    object_id: int | None
    label: str  # a reference, never content
    rule: RetentionRule
    counted_from: datetime.date
    due: datetime.date
    held: bool = False


def _disposed(record_type: str):
    return RetentionDisposal.objects.filter(record_type=record_type, object_id=OuterRef("pk"))


def cases_due(*, until: datetime.date, rules=None, held=None) -> list[Due]:
    """Closed cases whose records fall due on or before `until`, oldest first; held ones flagged."""
    rules = rules or rules_by_key()
    held = held_case_ids() if held is None else held
    about_staff = Case.subjects.through.objects.filter(case_id=OuterRef("pk"))
    cases = (
        Case.objects.filter(status=Case.Status.CLOSED, closed_at__isnull=False)
        .annotate(about_staff=Exists(about_staff), done=Exists(_disposed(RecordType.CASE_RECORDS)))
        .filter(done=False)
        .only("pk", "reference", "outcome", "is_safeguarding", "closed_at")
        .order_by("closed_at", "pk")
    )
    found = []
    for case in cases.iterator():
        group = case_group_of(outcome=case.outcome, is_safeguarding=case.is_safeguarding, about_staff=case.about_staff)
        rule = rules.get((RecordType.CASE_RECORDS, group))
        if rule is None:
            continue
        closed = timezone.localdate(case.closed_at)
        when = due_date(closed, rule)
        if when is not None and when <= until:
            found.append(Due(RecordType.CASE_RECORDS, case.pk, case.reference, rule, closed, when, case.pk in held))
    found.sort(key=lambda d: (d.due, d.object_id))
    return found


def _retained_case_ids() -> QuerySet:
    """Cases whose records the job has not removed (open, closed and still kept, or held)."""
    return Case.objects.exclude(
        pk__in=RetentionDisposal.objects.filter(record_type=RecordType.CASE_RECORDS).values("object_id")
    ).values("pk")


def staff_due(*, until: datetime.date, rules=None) -> list[Due]:
    """Leavers past the period whom no kept case names, not held, not yet anonymised."""
    rules = rules or rules_by_key()
    rule = rules.get((RecordType.STAFF_RECORDS, ""))
    if rule is None or rule.period_months is None:
        return []
    held = held_staff_ids()
    latest_end = until - relativedelta(months=rule.period_months)
    leavers = (
        StaffMember.objects.filter(end_date__isnull=False, end_date__lte=latest_end)
        .annotate(done=Exists(_disposed(RecordType.STAFF_RECORDS)))
        .filter(done=False)
        .exclude(pk__in=held)
        .order_by("end_date", "pk")
    )
    leaver_ids = list(leavers.values_list("pk", flat=True))
    if not leaver_ids:
        return []
    kept = Case.objects.filter(pk__in=_retained_case_ids())
    named = _named_by(kept, STAFF_KEPT_PATHS, leaver_ids)
    return [
        Due(
            RecordType.STAFF_RECORDS,
            s.pk,
            f"staff member {s.staff_number}",
            rule,
            s.end_date,
            due_date(s.end_date, rule),
        )
        for s in leavers
        if s.pk not in named
    ]


def service_users_due(*, until: datetime.date, rules=None) -> list[Due]:
    """Former service users past the period whom no kept case names, not held, not yet anonymised."""
    rules = rules or rules_by_key()
    rule = rules.get((RecordType.SERVICE_USER_RECORDS, ""))
    if rule is None or rule.period_months is None:
        return []
    latest_left = until - relativedelta(months=rule.period_months)
    former = (
        ServiceUser.objects.filter(status=ServiceUser.Status.FORMER, left_date__lte=latest_left)
        .annotate(done=Exists(_disposed(RecordType.SERVICE_USER_RECORDS)))
        .filter(done=False)
        .exclude(pk__in=held_service_user_ids())
        .order_by("left_date", "pk")
    )
    ids = list(former.values_list("pk", flat=True))
    if not ids:
        return []
    kept = Case.objects.filter(pk__in=_retained_case_ids())
    named = _named_by(kept, SERVICE_USER_PATHS, ids)
    return [
        Due(
            RecordType.SERVICE_USER_RECORDS,
            su.pk,
            f"service user {su.reference}",
            rule,
            su.left_date,
            due_date(su.left_date, rule),
        )
        for su in former
        if su.pk not in named
    ]


def _held_request_ids() -> set[int]:
    """Requests a legal hold keeps: those from a held member of staff or service user (or their carers)."""
    staff, service_users = held_staff_ids(), held_service_user_ids()
    if not staff and not service_users:
        return set()
    return set(
        RightsRequest.objects.filter(
            Q(staff__in=staff) | Q(service_user__in=service_users) | Q(carer__service_user__in=service_users)
        ).values_list("pk", flat=True)
    )


def requests_due(*, until: datetime.date, rules=None) -> list[Due]:
    """Released copies and request records past their period, counted from the decision (or the release), not
    held and not yet removed (docs/retention.md). A request whose restriction is still in force is kept: the
    restriction is lifted first."""
    rules = rules or rules_by_key()
    held = _held_request_ids()
    found = []
    for record_type, extra in (
        (RecordType.SAR_COPIES, Q(released_zip__isnull=False)),
        (RecordType.RIGHTS_REQUESTS, Q()),
    ):
        rule = rules.get((record_type, ""))
        if rule is None or rule.period_months is None:
            continue
        latest = until - relativedelta(months=rule.period_months)
        rows = (
            RightsRequest.objects.filter(extra, decided_at__isnull=False, decided_at__date__lte=latest)
            .exclude(status=RightsRequest.Status.OPEN)
            .exclude(pk__in=held)
            .annotate(done=Exists(_disposed(record_type)))
            .filter(done=False)
            .only("pk", "decided_at")
            .order_by("decided_at", "pk")
        )
        restricted = set(ProcessingRestriction.objects.active().values_list("request_id", flat=True))
        for rr in rows:
            if record_type == RecordType.RIGHTS_REQUESTS and rr.pk in restricted:
                continue
            decided = timezone.localdate(rr.decided_at)
            found.append(Due(record_type, rr.pk, f"request {rr.pk}", rule, decided, due_date(decided, rule)))
    return found


def outbox_due(*, as_of: datetime.date, rules=None, held=None) -> QuerySet[OutboxMessage]:
    """Outbox rows made before the period, delivered or given up on, not about a held case."""
    rules = rules or rules_by_key()
    rule = rules.get((RecordType.OUTBOX, ""))
    if rule is None or rule.period_months is None:
        return OutboxMessage.objects.none()
    held = held_case_ids() if held is None else held
    made_before = as_of - relativedelta(months=rule.period_months)
    rows = OutboxMessage.objects.filter(
        created_at__date__lt=made_before, status__in=[OutboxMessage.Status.SENT, OutboxMessage.Status.FAILED]
    )
    for case_id in held:
        rows = rows.exclude(link__startswith=f"/cases/{case_id}/")
    return rows.order_by("pk")


def held_audit_objects(held_cases=None) -> tuple[dict[str, set[int]], set[int]]:
    """What a legal hold keeps in the audit trail: ({object type: ids}, actor user ids).

    A hold on a case keeps the events about the case; a hold on a person keeps the events about them (their
    staff record and account, their service user and carer records, their register entries, their requests
    to the DPO) and the events of what they did (as actor), whatever the events' age (docs/retention.md
    "Legal holds")."""
    staff, service_users = held_staff_ids(), held_service_user_ids()
    held_cases = held_case_ids() if held_cases is None else held_cases
    users = set(StaffMember.objects.filter(pk__in=staff).values_list("user_id", flat=True))
    carers = set(CarerOrRelative.objects.filter(service_user__in=service_users).values_list("pk", flat=True))
    relationships = set(
        Relationship.objects.filter(
            Q(staff__in=staff) | Q(colleague__in=staff) | Q(service_user__in=service_users) | Q(carer__in=carers)
        ).values_list("pk", flat=True)
    )
    requests = set(
        RightsRequest.objects.filter(
            Q(staff__in=staff) | Q(service_user__in=service_users) | Q(carer__in=carers)
        ).values_list("pk", flat=True)
    )
    objects = {
        Case._meta.label_lower: set(held_cases),
        StaffMember._meta.label_lower: staff,
        get_user_model()._meta.label_lower: users,
        ServiceUser._meta.label_lower: service_users,
        CarerOrRelative._meta.label_lower: carers,
        Relationship._meta.label_lower: relationships,
        RightsRequest._meta.label_lower: requests,
        LegalHold._meta.label_lower: set(LegalHold.objects.active().values_list("pk", flat=True)),
    }
    return {k: v for k, v in objects.items() if v}, users


def audit_events_due(*, as_of: datetime.date, rules=None, held=None) -> QuerySet[AuditEvent]:
    """Audit events older than the period, except those a legal hold keeps (held_audit_objects)."""
    rules = rules or rules_by_key()
    rule = rules.get((RecordType.AUDIT_EVENTS, ""))
    if rule is None or rule.period_months is None:
        return AuditEvent.objects.none()
    objects, actors = held_audit_objects(held)
    before = as_of - relativedelta(months=rule.period_months)
    kept = Q(actor_id__in=actors) if actors else Q(pk__in=[])
    for object_type, ids in objects.items():
        kept |= Q(object_type=object_type, object_id__in=[str(pk) for pk in ids])
    return AuditEvent.objects.filter(occurred_at__date__lt=before).exclude(kept).order_by("pk")


def retention_due_soon(*, as_of: datetime.date | None = None) -> dict:
    """For the DPO's page: what falls due from today to 90 days on, and what holds keep."""
    as_of = as_of or timezone.localdate()
    until = as_of + datetime.timedelta(days=LOOKAHEAD_DAYS)
    rules = rules_by_key()
    return {
        "as_of": as_of,
        "until": until,
        "cases": cases_due(until=until, rules=rules),
        "people": staff_due(until=until, rules=rules) + service_users_due(until=until, rules=rules),
        "requests": requests_due(until=until, rules=rules),
        "outbox_rows": outbox_due(as_of=until, rules=rules).count(),
        "audit_events": audit_events_due(as_of=until, rules=rules).count(),
    }


def retention_run_list(limit: int = 10) -> QuerySet[RetentionRun]:
    return RetentionRun.objects.select_related("requested_by")[:limit]


def retention_rule_list() -> QuerySet[RetentionRule]:
    return RetentionRule.objects.all()
