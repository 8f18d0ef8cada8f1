"""Every write to a case: opening one for a disclosure (routing), its timeline, its references.

Routing rules and their sources are described in docs/routing.md. cases never imports
disclosures: case_open_for reads the attributes of the disclosure object it is given.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from audit.services import audit_record
from cases.models import (
    Action,
    ActionCheck,
    ActionTemplate,
    Case,
    Outcome,
    PromptAnswer,
    ReferenceSequence,
    Review,
    RiskAssessment,
    SubjectNotice,
    TimelineEntry,
)
from notifications.models import OutboxMessage
from notifications.services import notification_queue
from people.models import Relationship, ServiceUser, StaffMember
from people.roles import Role
from people.selectors import staff_managers_above
from policies.models import DisclosureKind, Priority, StatutoryPrompt

# The category whose cases are restricted to the people in them (seed 002 §10.4).
RELATIONSHIP_BETWEEN_WORKERS = "relationship-between-workers"
# Categories in which the staff named in a self-declaration are parties to a relationship.
RELATIONSHIP_CATEGORIES = frozenset(
    {RELATIONSHIP_BETWEEN_WORKERS, "prior-relationship", "related-to-service-user", "former-service-user"}
)
SPEAK_UP_REPORTER = "the person who raised it"


class RoutingError(Exception):
    """The disclosure cannot be routed as it stands (e.g. it has no category)."""


# ---------------------------------------------------------------- references and dates


@transaction.atomic
def reference_next(*, prefix: str, year: int | None = None) -> str:
    """The next reference for a prefix, e.g. "C-2026-00042"; safe with several web processes."""
    year = year or timezone.localdate().year
    ReferenceSequence.objects.get_or_create(prefix=prefix, year=year)
    sequence = ReferenceSequence.objects.select_for_update().get(prefix=prefix, year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{prefix}-{year}-{sequence.last:05d}"


def working_days_after(start: datetime.date, days: int) -> datetime.date:
    """The date `days` working days after `start`, skipping Saturdays and Sundays.

    Bank holidays are not known to the product yet; a deadline falling on one is a day early.
    """
    current = start
    remaining = days
    while remaining > 0:
        current += datetime.timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


def acknowledge_by_date_for(*, priority: str, start: datetime.date | None = None) -> datetime.date:
    """DESIGN §4: urgent cases are acknowledged within 1 working day, others within 5."""
    start = start or timezone.localdate()
    days = settings.CASE_ACK_DAYS_URGENT if priority == Priority.URGENT else settings.CASE_ACK_DAYS_DEFAULT
    return working_days_after(start, days)


# ---------------------------------------------------------------- timeline


def timeline_add(*, case: Case, actor, code: str, text: str = "") -> TimelineEntry:
    """Append one entry to a case's timeline."""
    entry = TimelineEntry(case=case, actor=actor, code=code, text=text)
    entry._history_user = actor
    entry.save()
    return entry


# ---------------------------------------------------------------- routing


@dataclass
class Routing:
    """Who reviews a case and why, worked out before anything is written."""

    reviewer: StaffMember | None
    route: str  # "line_management", "speak_up_guardian", "safeguarding_lead" or "none"
    reasons: list[str] = field(default_factory=list)
    excluded: dict[int, str] = field(default_factory=dict)  # staff pk -> why they may not review


def _name(staff: StaffMember) -> str:
    return staff.full_name


def _holders_of(role: Role) -> list[StaffMember]:
    """Active staff holding a role, fewest open cases first, ties by pk."""
    return list(
        StaffMember.objects.filter(is_active=True, user__is_active=True, user__groups__name=role.value)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=timezone.localdate()))
        .annotate(open_cases=Count("cases_to_review", filter=~Q(cases_to_review__status=Case.Status.CLOSED)))
        .select_related("user")
        .order_by("open_cases", "pk")
        .distinct()
    )


def _exclusions(
    *, kind: str, category_code: str, reporter: StaffMember, named: list[StaffMember], speak_up: bool
) -> dict[int, str]:
    """Everyone who may not review this case, with the reason in words (DESIGN §5; AC-05)."""
    reporter_label = SPEAK_UP_REPORTER if speak_up else _name(reporter)
    excluded: dict[int, str] = {}
    excluded[reporter.pk] = "raised this concern" if kind == DisclosureKind.CONCERN else "filed it"
    for staff in named:
        if staff.pk in excluded:
            continue
        if kind == DisclosureKind.CONCERN:
            excluded[staff.pk] = "is the subject of this concern"
        elif category_code in RELATIONSHIP_CATEGORIES:
            excluded[staff.pk] = "is a party to the relationship"
        else:
            excluded[staff.pk] = "is named as involved"
    # Anyone with an open declared close relationship with a subject or the reporter
    # (seed 002 §9.1: one party is not involved in management processes about the other).
    involved = {reporter.pk: reporter_label} | {s.pk: _name(s) for s in named}
    close = Relationship.objects.filter(
        counterpart=Relationship.Counterpart.COLLEAGUE,
        kind__in=Relationship.CLOSE_KINDS,
        status__in=Relationship.OPEN_STATUSES,
    ).filter(Q(staff__in=involved) | Q(colleague__in=involved))
    for rel in close.only("staff_id", "colleague_id"):
        for other, party in ((rel.colleague_id, rel.staff_id), (rel.staff_id, rel.colleague_id)):
            if party in involved and other not in excluded:
                excluded[other] = f"has a declared close relationship with {involved[party]}"
    return excluded


def _describe(staff: StaffMember, excluded: dict[int, str]) -> str | None:
    """Why this person may not review, or None if they may."""
    if staff.pk in excluded:
        return excluded[staff.pk]
    if _has_left(staff):
        return "is no longer active"
    return None


def _first_free_holder(role: Role, excluded: dict[int, str]) -> StaffMember | None:
    for holder in _holders_of(role):
        if holder.pk not in excluded:
            return holder
    return None


def reviewer_choose(
    *,
    kind: str,
    category_code: str,
    reporter: StaffMember,
    named: list[StaffMember],
    speak_up: bool = False,
) -> Routing:
    """Choose the reviewer for a new case and say why (DESIGN §5; AC-05)."""
    excluded = _exclusions(kind=kind, category_code=category_code, reporter=reporter, named=named, speak_up=speak_up)
    reasons: list[str] = []

    if speak_up:
        # seed 002 §7.3: a worker who cannot raise it through management goes to the
        # Freedom to Speak Up guardian.
        guardian = _first_free_holder(Role.SPEAK_UP_GUARDIAN, excluded)
        if guardian is not None:
            reasons.append(
                f"This concern was raised through the speak-up route, so speak-up guardian {_name(guardian)} "
                "reviews it; only the guardian can see who raised it."
            )
            return Routing(guardian, "speak_up_guardian", reasons, excluded)
        reasons.append(
            "This concern was raised through the speak-up route, but no speak-up guardian is free to take it."
        )
    else:
        # The default reviewer is the line manager of the subject: of the colleague a concern
        # is about, otherwise of the worker filing (seed 001 "Disclosure"; seed 002 §5.4, §7.1).
        open_sentence = False  # the last reason ends "…, so" the next person is named
        if kind == DisclosureKind.CONCERN and named:
            subject = named[0]
            whose = f"{_name(subject)}, the subject of this concern"
            if subject.pk == reporter.line_manager_id:
                # AC-05 (a): a concern about one's own line manager never reaches that manager.
                reasons.append(f"Line manager {_name(subject)} is the subject of this concern")
                open_sentence = True
        else:
            subject = reporter
            whose = f"{_name(reporter)}, who filed it"
        chain = staff_managers_above(staff=subject)
        for step, candidate in enumerate(chain):
            why = _describe(candidate, excluded)
            if why is None:
                if open_sentence:
                    reasons[-1] += f", so the case went to their manager {_name(candidate)}."
                else:
                    reasons.append(f"{_name(candidate)} reviews the case as the line manager of {whose}.")
                return Routing(candidate, "line_management", reasons, excluded)
            # seed 001 "Managing boundary issues": a manager who cannot act consults their own manager.
            label = "Line manager" if step == 0 and not open_sentence else "Manager"
            if open_sentence:
                reasons[-1] += ", and"
                label = label.lower()
            reasons.append(f"{label} {_name(candidate)} {why}")
            open_sentence = True
        if open_sentence:
            reasons[-1] += ", and nobody above them in the line-management chain can review it."
        else:
            reasons.append(f"{whose[0].upper()}{whose[1:]}, has no line manager on record.")

    lead = _first_free_holder(Role.SAFEGUARDING_LEAD, excluded)
    if lead is not None:
        reasons.append(f"The case went to safeguarding lead {_name(lead)}.")
        return Routing(lead, "safeguarding_lead", reasons, excluded)
    reasons.append("No safeguarding lead is free to take it either: an administrator must assign a reviewer.")
    return Routing(None, "none", reasons, excluded)


def _case_subjects(*, kind: str, reporter: StaffMember, named: list[StaffMember]) -> list[StaffMember]:
    """A concern is about the colleagues named; anything else is about the worker filing and anyone named."""
    if kind == DisclosureKind.CONCERN:
        return list(named) or [reporter]
    return [reporter, *(s for s in named if s.pk != reporter.pk)]


def _same_chain(a: StaffMember, b: StaffMember) -> bool:
    """Is one of the two in the other's line-management chain?"""
    return any(m.pk == b.pk for m in staff_managers_above(staff=a)) or any(
        m.pk == a.pk for m in staff_managers_above(staff=b)
    )


def _open_case_for_same_situation(
    *, category_id: int, subject_ids: set[int], service_user_ids: set[int], speak_up: bool
) -> Case | None:
    candidates = (
        Case.objects.filter(category_id=category_id, is_speak_up=speak_up)
        .exclude(status=Case.Status.CLOSED)
        .prefetch_related("subjects", "service_users")
        .order_by("opened_at", "pk")
    )
    for case in candidates:
        if {s.pk for s in case.subjects.all()} == subject_ids and {
            u.pk for u in case.service_users.all()
        } == service_user_ids:
            return case
    return None


def _notify_reviewer(*, case: Case, reviewer: StaffMember | None, template: str, key: str) -> None:
    if reviewer is None:
        return
    notification_queue(
        recipient=reviewer.user,
        template=template,
        link=f"/cases/{case.pk}/",
        due_date=case.acknowledge_by_date,
        dedupe_key=key,
    )


@transaction.atomic
def case_open_for(*, disclosure, actor, relationship: Relationship | None = None) -> Case:
    """Open a case for a submitted disclosure, or attach it to an open case about the same people.

    `relationship` is the entry a self-declaration put in the relationships register: the case
    manages it, and cannot close while it continues without an arrangement (DESIGN §4).
    """
    if disclosure.category_id is None:
        raise RoutingError("A disclosure needs a category before it can be routed.")
    category = disclosure.category
    reporter = disclosure.reporter
    kind = disclosure.kind
    speak_up = bool(disclosure.speak_up)
    named = list(disclosure.subjects.select_related("user").order_by("pk"))
    service_user_ids = set(disclosure.service_users.values_list("pk", flat=True))
    subjects = _case_subjects(kind=kind, reporter=reporter, named=named)
    urgent = category.default_priority == Priority.URGENT or bool(disclosure.at_risk_now)
    restricted = category.code == RELATIONSHIP_BETWEEN_WORKERS
    excluded = _exclusions(kind=kind, category_code=category.code, reporter=reporter, named=named, speak_up=speak_up)

    existing = _open_case_for_same_situation(
        category_id=category.pk,
        subject_ids={s.pk for s in subjects},
        service_user_ids=service_user_ids,
        speak_up=speak_up,
    )
    if existing is not None and existing.reviewer_id is not None and existing.reviewer_id not in excluded:
        return _case_attach(
            case=existing,
            disclosure=disclosure,
            actor=actor,
            urgent=urgent,
            excluded=excluded,
            relationship=relationship,
        )

    routing = reviewer_choose(kind=kind, category_code=category.code, reporter=reporter, named=named, speak_up=speak_up)
    priority = Priority.URGENT if urgent else category.default_priority
    case = Case(
        reference=reference_next(prefix="C"),
        category=category,
        priority=priority,
        # At-risk-now cases alert the safeguarding lead, who must then be able to open them.
        is_safeguarding=category.is_safeguarding or urgent,
        is_restricted=restricted,
        is_speak_up=speak_up,
        reviewer=routing.reviewer,
        team=subjects[0].team,
        acknowledge_by_date=acknowledge_by_date_for(priority=priority),
        relationship=relationship,
    )
    case._history_user = actor
    case._change_reason = "cases.case.opened"
    case.save()
    case.subjects.set(subjects)
    case.service_users.set(service_user_ids)

    timeline_add(case=case, actor=actor, code=TimelineEntry.Code.OPENED, text=f"Opened for disclosure {disclosure}.")
    if existing is not None:
        routing.reasons.insert(
            0,
            f"An open case about the same people ({existing}) exists, but its reviewer "
            "may not see this disclosure, so a new case was opened.",
        )
    timeline_add(case=case, actor=actor, code=TimelineEntry.Code.ROUTED, text=" ".join(routing.reasons))

    if restricted:
        # seed 002 §10.4: kept confidential to the people in it and the reviewer.
        people = {reporter.pk: reporter, **{s.pk: s for s in named}}
        if routing.reviewer is not None:
            people[routing.reviewer.pk] = routing.reviewer
        case.restricted_to.set(people.values())
        timeline_add(
            case=case,
            actor=actor,
            code=TimelineEntry.Code.RESTRICTED,
            text="A close personal relationship between workers: only the people in it and the reviewer "
            "can see this case (seed 002 §10.4).",
        )
        parties = [reporter, *(s for s in named if s.pk != reporter.pk)]
        if any(_same_chain(a, b) for i, a in enumerate(parties) for b in parties[i + 1 :]):
            # seed 002 §9.1: "Alternative management arrangements should be put in place".
            timeline_add(
                case=case,
                actor=actor,
                code=TimelineEntry.Code.ACTION_PROPOSED,
                text="The two workers are in one line-management chain: propose the action "
                "“alternative management arrangement” (seed 002 §9.1, §10.1.4).",
            )

    _notify_reviewer(
        case=case, reviewer=routing.reviewer, template=OutboxMessage.Template.CASE_NEW, key=f"case:{case.pk}:new"
    )
    if urgent:
        _alert_safeguarding_leads(case=case, actor=actor, excluded=excluded | routing.excluded)
    audit_record(action="cases.case.opened", actor=actor, obj=case)
    return case


def _alert_safeguarding_leads(*, case: Case, actor, excluded: dict[int, str]) -> None:
    """Urgent cases reach every safeguarding lead at once, except any who are conflicted (DESIGN §5)."""
    leads = [lead for lead in _holders_of(Role.SAFEGUARDING_LEAD) if lead.pk not in excluded]
    alerted = [lead for lead in leads if lead.pk != case.reviewer_id]
    if case.is_restricted and alerted:
        # seed 002 §10.4: confidential "unless the disclosure resulted in concerns about the
        # provision of care to service users" – someone at risk of harm now is such a concern.
        case.restricted_to.add(*alerted)
    for lead in alerted:
        notification_queue(
            recipient=lead.user,
            template=OutboxMessage.Template.CASE_URGENT,
            link=f"/cases/{case.pk}/",
            due_date=case.acknowledge_by_date,
            dedupe_key=f"case:{case.pk}:urgent:{lead.pk}",
        )
    if alerted:
        names = ", ".join(_name(lead) for lead in alerted)
        text = f"Urgent: safeguarding lead(s) {names} alerted at once."
    elif leads:
        text = "Urgent: the safeguarding lead reviews this case."
    else:
        text = "Urgent, but no safeguarding lead could be alerted: each one is conflicted or none is on record."
    timeline_add(case=case, actor=actor, code=TimelineEntry.Code.SAFEGUARDING_ALERTED, text=text)


def _case_attach(
    *, case: Case, disclosure, actor, urgent: bool, excluded: dict[int, str], relationship: Relationship | None = None
) -> Case:
    case = Case.objects.select_for_update().get(pk=case.pk)
    changed = ["version"]
    case.version += 1
    if relationship is not None and case.relationship_id is None:
        case.relationship = relationship
        changed.append("relationship")
    if urgent and case.priority != Priority.URGENT:
        case.priority = Priority.URGENT
        case.is_safeguarding = True
        changed += ["priority", "is_safeguarding"]
    case._history_user = actor
    case._change_reason = "cases.case.disclosure_attached"
    case.save(update_fields=changed)
    if case.is_restricted:
        case.restricted_to.add(disclosure.reporter, *disclosure.subjects.all())
    timeline_add(
        case=case,
        actor=actor,
        code=TimelineEntry.Code.ATTACHED,
        text=f"Disclosure {disclosure} was attached: this open case is about the same people and the same "
        "kind of boundary, so it was not opened as a new case.",
    )
    _notify_reviewer(
        case=case,
        reviewer=case.reviewer,
        template=OutboxMessage.Template.CASE_UPDATED,
        key=f"case:{case.pk}:attached:{disclosure.pk}",
    )
    if urgent:
        _alert_safeguarding_leads(case=case, actor=actor, excluded=excluded)
    audit_record(action="cases.case.disclosure_attached", actor=actor, obj=case)
    return case


# =============================================================================================
# Issue 4: the review workflow (DESIGN §4; docs/cases.md). Every function below locks the case
# row, refuses a stale `expected_version` (CaseConflict, DI-01), checks its guard, saves with a
# history user and reason, raises case.version, writes the timeline and an audit event, and
# queues content-free notifications that leave only after commit (CP-07, JR-02).
# =============================================================================================


class CaseError(Exception):
    """A guard or rule refused the change; str(exc) is a plain-English message for the page."""


class TransitionNotAllowed(CaseError):
    """The move is not in Case.ALLOWED_TRANSITIONS (or not the move this service makes)."""

    def __init__(self, current: str, target: str):
        self.current, self.target = current, target
        super().__init__(
            f"A case that is “{Case.Status(current).label}” cannot move to “{Case.Status(target).label}”. "
            "Reload the case to see where it is now."
        )


class CaseConflict(CaseError):
    """Optimistic lock: the case changed since the form was loaded (DI-01)."""

    def __init__(self, message: str | None = None):
        super().__init__(
            message
            or "Someone else changed this case while you were editing. Your text is below; "
            "check the case and save again."
        )


def _staff_of(actor) -> StaffMember:
    staff = getattr(actor, "staff", None) if actor is not None and actor.is_authenticated else None
    if staff is None or not staff.is_active or not actor.is_active:
        raise CaseError("Only an active member of staff can change a case.")
    return staff


def _lock(case: Case, expected_version: int | None = None) -> Case:
    """The case row, locked for this transaction; CaseConflict if it moved on since the form was shown."""
    locked = Case.objects.select_for_update(of=("self",)).select_related("category").get(pk=case.pk)
    if expected_version is not None and int(expected_version) != locked.version:
        raise CaseConflict()
    return locked


def _save(case: Case, *, actor, reason: str, fields: list[str] | tuple[str, ...] = ()) -> Case:
    """Save the changed fields, raise the version, and give simple-history the user and the reason."""
    case.version += 1
    case._history_user = actor
    case._change_reason = reason
    case.save(update_fields=[*dict.fromkeys([*fields, "version"])])
    return case


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise CaseError(message)


def _require_actor(actor, case: Case) -> StaffMember:
    """The actor is the reviewer, or someone the case was escalated to."""
    from cases.permissions import can_act_on_case

    staff = _staff_of(actor)
    _require(can_act_on_case(actor, case), "Only the reviewer, or someone the case was escalated to, can do this.")
    return staff


def _require_open(case: Case) -> None:
    _require(case.is_open, "This case is closed. Reopen it first.")


def _require_reason(reason: str, message: str) -> str:
    """The reason, trimmed; CaseError with the message when it is blank."""
    _require(bool(reason and reason.strip()), message)
    return reason.strip()


def _notify_reviewer_updated(case: Case, *, event: str) -> None:
    """Tell the case's reviewer (if it has one) that someone else moved their case."""
    if case.reviewer is not None:
        notification_queue(
            recipient=case.reviewer.user,
            template=OutboxMessage.Template.CASE_UPDATED,
            link=_link(case),
            dedupe_key=f"case:{case.pk}:{event}:v{case.version}",
        )


def _move(case: Case, *, to: str, actor, reason: str, fields=(), text: str = "", code: str | None = None) -> Case:
    """Move a locked case to another status, if the table allows it."""
    if not case.can_transition_to(to):
        raise TransitionNotAllowed(case.status, to)
    previous = Case.Status(case.status).label
    case.status = to
    _save(case, actor=actor, reason=reason, fields=["status", *fields])
    timeline_add(
        case=case,
        actor=actor,
        code=code or TimelineEntry.Code.STATUS_CHANGED,
        text=text or f"{previous} → {Case.Status(to).label}.",
    )
    audit_record(action=reason, actor=actor, obj=case, detail={"from": previous, "to": to})
    return case


def _link(case: Case) -> str:
    return f"/cases/{case.pk}/"


def _today() -> datetime.date:
    return timezone.localdate()


# ---------------------------------------------------------------- moves


@transaction.atomic
def case_acknowledge(*, case: Case, actor, expected_version: int | None = None) -> Case:
    """The reviewer takes the case on: NEW → FACT_FINDING (a double click is harmless)."""
    case = _lock(case)
    if case.status == Case.Status.FACT_FINDING and case.acknowledged_at is not None:
        return case
    if expected_version is not None and int(expected_version) != case.version:
        raise CaseConflict()
    _require_actor(actor, case)
    if case.status != Case.Status.NEW:
        raise TransitionNotAllowed(case.status, Case.Status.FACT_FINDING)
    case.acknowledged_at = timezone.now()
    return _move(
        case,
        to=Case.Status.FACT_FINDING,
        actor=actor,
        reason="cases.case.acknowledged",
        fields=["acknowledged_at"],
        text="Acknowledged: fact-finding started (seed 002 §7.4).",
    )


@transaction.atomic
def case_start_action_plan(*, case: Case, actor, expected_version: int | None = None) -> Case:
    """→ ACTION_PLAN; guard: the case has a risk assessment (DESIGN §4)."""
    case = _lock(case, expected_version)
    _require_actor(actor, case)
    if case.status == Case.Status.ACTION_PLAN:
        return case
    if not case.can_transition_to(Case.Status.ACTION_PLAN):
        raise TransitionNotAllowed(case.status, Case.Status.ACTION_PLAN)
    _require(case.assessments.exists(), "Record a risk assessment before agreeing an action plan.")
    return _move(case, to=Case.Status.ACTION_PLAN, actor=actor, reason="cases.case.action_plan_started")


@transaction.atomic
def case_set_review_date(*, case: Case, actor, next_review_date: datetime.date, expected_version=None) -> Case:
    """Set when the arrangements are next reviewed (seed 002 §10.3); never a date in the past."""
    case = _lock(case, expected_version)
    _require_actor(actor, case)
    _require_open(case)
    _require(next_review_date is not None, "Choose the date of the next review.")
    _require(next_review_date >= _today(), "The next review date cannot be in the past.")
    case.next_review_date = next_review_date
    _save(case, actor=actor, reason="cases.case.review_date_set", fields=["next_review_date"])
    timeline_add(
        case=case, actor=actor, code=TimelineEntry.Code.NOTE, text=f"Next review on {next_review_date:%d/%m/%Y}."
    )
    audit_record(action="cases.case.review_date_set", actor=actor, obj=case)
    return case


@transaction.atomic
def case_start_monitoring(*, case: Case, actor, expected_version: int | None = None) -> Case:
    """ACTION_PLAN → MONITORING; guard: a next review date is set (DESIGN §4)."""
    case = _lock(case, expected_version)
    _require_actor(actor, case)
    if case.status == Case.Status.MONITORING:
        return case
    if not case.can_transition_to(Case.Status.MONITORING):
        raise TransitionNotAllowed(case.status, Case.Status.MONITORING)
    _require(
        case.next_review_date is not None,
        "Set the date the arrangements will next be reviewed before moving the case to monitoring.",
    )
    return _move(case, to=Case.Status.MONITORING, actor=actor, reason="cases.case.monitoring_started")


# ---------------------------------------------------------------- risk assessment


def _check_score(value, label: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise CaseError(f"{label} is a number from 1 to 5.") from None
    _require(1 <= number <= 5, f"{label} is a number from 1 to 5.")
    return number


def _band_text(score: int) -> str:
    from cases.selectors import risk_band_for

    band = risk_band_for(score)
    return f"{score} ({band.label})" if band else str(score)


@transaction.atomic
def case_assess(
    *,
    case: Case,
    actor,
    likelihood: int,
    consequence: int,
    residual_likelihood: int,
    residual_consequence: int,
    factors: dict[str, bool] | None = None,
    risk_to_service_user: str = "",
    risk_to_worker: str = "",
    risk_to_organisation: str = "",
    mitigation: str = "",
    expected_version: int | None = None,
) -> RiskAssessment:
    """Record a new risk assessment on the 5×5 matrix; it becomes the current one."""
    from cases.selectors import case_current_assessment, risk_band_for

    case = _lock(case, expected_version)
    staff = _require_actor(actor, case)
    _require_open(case)
    factors = factors or {}
    unknown = set(factors) - set(RiskAssessment.FACTOR_FIELDS)
    _require(not unknown, "Unknown risk factor: " + ", ".join(sorted(unknown)))
    previous = case_current_assessment(case=case)
    assessment = RiskAssessment(
        case=case,
        assessed_by=staff,
        likelihood=_check_score(likelihood, "Likelihood"),
        consequence=_check_score(consequence, "Consequence"),
        residual_likelihood=_check_score(residual_likelihood, "Residual likelihood"),
        residual_consequence=_check_score(residual_consequence, "Residual consequence"),
        risk_to_service_user=risk_to_service_user,
        risk_to_worker=risk_to_worker,
        risk_to_organisation=risk_to_organisation,
        mitigation=mitigation,
        **{name: bool(factors.get(name, False)) for name in RiskAssessment.FACTOR_FIELDS},
    )
    assessment._history_user = actor
    assessment._change_reason = "cases.assessment.recorded"
    assessment.save()
    assessment.refresh_from_db(fields=["score", "residual_score"])
    _save(case, actor=actor, reason="cases.case.assessed")
    factor_labels = [
        str(RiskAssessment._meta.get_field(name).verbose_name)
        for name in RiskAssessment.FACTOR_FIELDS
        if getattr(assessment, name)
    ]
    timeline_add(
        case=case,
        actor=actor,
        code=TimelineEntry.Code.ASSESSED,
        text=f"Risk {assessment.likelihood}×{assessment.consequence} = {_band_text(assessment.score)}; "
        f"residual {assessment.residual_likelihood}×{assessment.residual_consequence} = "
        f"{_band_text(assessment.residual_score)}."
        + (f" Factors: {', '.join(factor_labels)}." if factor_labels else ""),
    )
    if previous is not None:
        old_band, new_band = risk_band_for(previous.score), risk_band_for(assessment.score)
        if old_band != new_band:
            timeline_add(
                case=case,
                actor=actor,
                code=TimelineEntry.Code.BAND_CHANGED,
                text=f"Risk band changed from {old_band.label if old_band else '—'} "
                f"to {new_band.label if new_band else '—'}.",
            )
    audit_record(action="cases.case.assessed", actor=actor, obj=case, detail={"assessment": assessment.pk})
    return assessment


# ---------------------------------------------------------------- statutory prompts


@transaction.atomic
def prompt_answer(
    *, case: Case, actor, prompt: str, referral_made: bool, reason: str, expected_version: int | None = None
) -> PromptAnswer:
    """Record that a statutory route was considered: referral made yes/no, and why (seed 002 §7.5–7.6)."""
    case = _lock(case, expected_version)
    staff = _require_actor(actor, case)
    _require_open(case)
    _require(prompt in StatutoryPrompt.values, "Choose one of the statutory routes.")
    _require_reason(reason, "Say why, in a sentence or two.")
    answer = _prompt_record(
        case=case, actor=actor, staff=staff, prompt=prompt, referral_made=referral_made, reason=reason
    )
    _save(case, actor=actor, reason="cases.prompt.answered")
    audit_record(action="cases.prompt.answered", actor=actor, obj=case, detail={"prompt": prompt})
    return answer


def _prompt_record(*, case, actor, staff, prompt: str, referral_made: bool, reason: str) -> PromptAnswer:
    answer = PromptAnswer.objects.filter(case=case, prompt=prompt).first() or PromptAnswer(case=case, prompt=prompt)
    answer.referral_made = bool(referral_made)
    answer.reason = reason.strip()
    answer.answered_by = staff
    answer.answered_date = _today()
    answer._history_user = actor
    answer._change_reason = "cases.prompt.answered"
    answer.save()
    timeline_add(
        case=case,
        actor=actor,
        code=TimelineEntry.Code.PROMPT_ANSWERED,
        text=f"{StatutoryPrompt(prompt).label}: considered – {'referral made' if referral_made else 'no referral'}. "
        f"{answer.reason}",
    )
    return answer


# ---------------------------------------------------------------- actions


@transaction.atomic
def action_add(
    *,
    case: Case,
    actor,
    template: ActionTemplate,
    owner: StaffMember,
    due_date: datetime.date | None = None,
    details: str = "",
    expected_version: int | None = None,
) -> Action:
    """Agree an action from the library with an owner and a due date (seed 002 §10.1)."""
    case = _lock(case, expected_version)
    staff = _require_actor(actor, case)
    _require_open(case)
    _require(template.is_active, "That action is no longer in the library.")
    _require(owner.is_active and owner.user.is_active, f"{owner.full_name} is no longer active.")
    _require(
        not case.subjects.filter(pk=owner.pk).exists() or template.refers_to == "",
        "A referral cannot be owned by the person the case is about.",
    )
    due_date = due_date or _today() + datetime.timedelta(days=template.default_days)
    action = Action(case=case, template=template, details=details, owner=owner, due_date=due_date, created_by=staff)
    action._history_user = actor
    action._change_reason = "cases.action.added"
    action.save()
    fields: list[str] = []
    timeline_add(
        case=case,
        actor=actor,
        code=TimelineEntry.Code.ACTION_ADDED,
        text=f"{template.title} – owner {owner.full_name}, due {due_date:%d/%m/%Y}.",
    )
    if template.refers_to:
        # Agreeing a referral answers its statutory prompt "yes" unless it was already answered.
        if not PromptAnswer.objects.filter(case=case, prompt=template.refers_to).exists():
            _prompt_record(
                case=case,
                actor=actor,
                staff=staff,
                prompt=template.refers_to,
                referral_made=True,
                reason=f"Action agreed: {template.title}.",
            )
        if template.refers_to == StatutoryPrompt.HR_INVESTIGATION and case.hr_referred_at is None:
            # DESIGN §6: from now on HR may see the case.
            case.hr_referred_at = timezone.now()
            fields.append("hr_referred_at")
            timeline_add(
                case=case,
                actor=actor,
                code=TimelineEntry.Code.HR_REFERRED,
                text="Referred for HR investigation: HR can now see this case (seed 002 §7.5).",
            )
            audit_record(action="cases.case.hr_referred", actor=actor, obj=case)
    _save(case, actor=actor, reason="cases.action.added", fields=fields)
    audit_record(action="cases.action.added", actor=actor, obj=case, detail={"action": action.pk})
    return action


@transaction.atomic
def action_set_status(*, action: Action, actor, status: str, expected_version: int | None = None) -> Action:
    """Mark an action done, no longer needed, or to do again."""
    case = _lock(action.case, expected_version)
    _require_actor(actor, case)
    _require_open(case)
    _require(status in Action.Status.values, "Choose a status for the action.")
    action = Action.objects.select_for_update().select_related("template").get(pk=action.pk, case=case)
    if action.status == status:
        return action
    action.status = status
    action.completed_at = timezone.now() if status == Action.Status.DONE else None
    action._history_user = actor
    action._change_reason = "cases.action.status_changed"
    action.save(update_fields=["status", "completed_at"])
    _save(case, actor=actor, reason="cases.action.status_changed")
    timeline_add(
        case=case,
        actor=actor,
        code=TimelineEntry.Code.ACTION_UPDATED,
        text=f"{action.template.title}: {action.get_status_display()}.",
    )
    audit_record(action="cases.action.status_changed", actor=actor, obj=case, detail={"action": action.pk})
    return action


@transaction.atomic
def case_reassign_key_worker(
    *, case: Case, actor, service_user: ServiceUser, new_key_worker: StaffMember, expected_version=None
) -> None:
    """Hand a service user to another key worker through people.services.assignment_create, so its
    conflict check applies (seed 000 §4.2; seed 001 "proper handover")."""
    from django.core.exceptions import ValidationError

    from people.models import Assignment
    from people.services import assignment_create

    case = _lock(case, expected_version)
    _require_actor(actor, case)
    _require_open(case)
    _require(case.service_users.filter(pk=service_user.pk).exists(), "That service user is not part of this case.")
    _require(new_key_worker.is_active, f"{new_key_worker.full_name} is no longer active.")
    _require(
        not case.subjects.filter(pk=new_key_worker.pk).exists(),
        f"{new_key_worker.full_name} is a subject of this case, so cannot become the key worker.",
    )
    try:
        with transaction.atomic():
            assignment_create(
                staff=new_key_worker, service_user=service_user, role=Assignment.Role.KEY_WORKER, actor=actor
            )
    except ValidationError as exc:
        raise CaseError(" ".join(exc.messages)) from None
    _save(case, actor=actor, reason="cases.case.key_worker_reassigned")
    timeline_add(
        case=case,
        actor=actor,
        code=TimelineEntry.Code.NOTE,
        text=f"Key worker for {service_user.initials} is now {new_key_worker.full_name}, with a handover "
        "(seed 001 “Managing boundary issues”).",
    )
    audit_record(action="cases.case.key_worker_reassigned", actor=actor, obj=case)


# ---------------------------------------------------------------- reviews


@transaction.atomic
def review_record(
    *,
    case: Case,
    actor,
    notes: str,
    next_review_date: datetime.date | None,
    checks: list[dict] | tuple = (),
    expected_version: int | None = None,
) -> Review:
    """Record a review of the arrangements (seed 002 §10.3): notes, each action still needed? working?"""
    case = _lock(case, expected_version)
    staff = _require_actor(actor, case)
    _require_open(case)
    _require(bool(notes and notes.strip()), "Write a note of the review.")
    if next_review_date is not None:
        _require(next_review_date >= _today(), "The next review date cannot be in the past.")
    _require(
        next_review_date is not None or case.status != Case.Status.MONITORING,
        "A case in monitoring needs the date of its next review.",
    )
    review = Review(case=case, reviewed_by=staff, notes=notes.strip(), next_review_date=next_review_date)
    review._history_user = actor
    review._change_reason = "cases.review.recorded"
    review.save()
    summary: list[str] = []
    for check in checks:
        action = (
            Action.objects.select_for_update()
            .select_related("template")
            .filter(pk=check["action"].pk, case=case)
            .first()
        )
        _require(action is not None, "A checked action does not belong to this case.")
        working = check.get("working") or ActionCheck.Working.TOO_EARLY
        _require(working in ActionCheck.Working.values, "Say whether each action is working.")
        still_needed = bool(check.get("still_needed", True))
        row = ActionCheck(
            review=review, action=action, still_needed=still_needed, working=working, note=check.get("note", "")
        )
        row._history_user = actor
        row._change_reason = "cases.review.recorded"
        row.save()
        summary.append(
            f"{action.template.title}: {ActionCheck.Working(working).label.lower()}"
            + ("" if still_needed else ", no longer needed")
        )
        if not still_needed and action.status == Action.Status.OPEN:
            action.status = Action.Status.CANCELLED
            action._history_user = actor
            action._change_reason = "cases.review.action_cancelled"
            action.save(update_fields=["status"])
    case.next_review_date = next_review_date
    _save(case, actor=actor, reason="cases.review.recorded", fields=["next_review_date"])
    text = "Review recorded."
    if summary:
        text += " " + "; ".join(summary) + "."
    text += f" Next review {next_review_date:%d/%m/%Y}." if next_review_date else " No further review scheduled."
    timeline_add(case=case, actor=actor, code=TimelineEntry.Code.REVIEWED, text=text)
    audit_record(action="cases.review.recorded", actor=actor, obj=case, detail={"review": review.pk})
    return review


# ---------------------------------------------------------------- the subject's side


def _reporters(case: Case) -> list[StaffMember]:
    return [d.reporter for d in case.disclosures.select_related("reporter__user").filter(kind="concern")]


@transaction.atomic
def subject_notice_record(
    *,
    case: Case,
    actor,
    subject: StaffMember,
    told: str,
    told_date: datetime.date | None = None,
    expected_version: int | None = None,
) -> SubjectNotice:
    """Record what the subject was told; they read exactly this text and may reply (fairness)."""
    case = _lock(case, expected_version)
    staff = _require_actor(actor, case)
    _require_open(case)
    _require(case.subjects.filter(pk=subject.pk).exists(), f"{subject.full_name} is not a subject of this case.")
    told = (told or "").strip()
    _require(bool(told), "Write what the subject was told.")
    told_date = told_date or _today()
    _require(told_date <= _today(), "The date they were told cannot be in the future.")
    lowered = told.lower()
    for reporter in _reporters(case):
        if reporter.pk == subject.pk:
            continue
        names = {reporter.full_name.lower(), reporter.user.username.lower()}
        # DESIGN §6: the subject never learns who raised a concern about them.
        _require(
            not any(len(n) > 2 and n in lowered for n in names),
            "The notice names the person who raised the concern. The subject must not be told who raised it: "
            "remove the name and save again.",
        )
    notice = SubjectNotice(case=case, subject=subject, told=told, told_date=told_date, told_by=staff)
    notice._history_user = actor
    notice._change_reason = "cases.notice.recorded"
    notice.save()
    _save(case, actor=actor, reason="cases.notice.recorded")
    timeline_add(
        case=case,
        actor=actor,
        code=TimelineEntry.Code.SUBJECT_TOLD,
        text=f"{subject.full_name} was told on {told_date:%d/%m/%Y}: “{told}”",
    )
    notification_queue(
        recipient=subject.user,
        template=OutboxMessage.Template.SUBJECT_NOTICE,
        link="/cases/notices/",
        dedupe_key=f"notice:{notice.pk}:told",
    )
    audit_record(action="cases.notice.recorded", actor=actor, obj=notice)
    return notice


@transaction.atomic
def subject_notice_reply(*, notice: SubjectNotice, actor, response: str) -> SubjectNotice:
    """The subject answers a notice: their side, on the timeline before any outcome."""
    from cases.permissions import can_reply_to_notice

    _require(can_reply_to_notice(actor, notice), "Only the person this notice is addressed to can reply.")
    case = _lock(notice.case)
    notice = SubjectNotice.objects.select_for_update().get(pk=notice.pk)
    response = (response or "").strip()
    _require(bool(response), "Write your reply.")
    _require(not notice.response, "You have already replied to this notice.")
    notice.response = response
    notice.responded_at = timezone.now()
    notice._history_user = actor
    notice._change_reason = "cases.notice.replied"
    notice.save(update_fields=["response", "responded_at"])
    _save(case, actor=actor, reason="cases.notice.replied")
    timeline_add(
        case=case,
        actor=actor,
        code=TimelineEntry.Code.SUBJECT_REPLIED,
        text=f"{notice.subject.full_name} replied: “{response}”",
    )
    if case.reviewer is not None:
        notification_queue(
            recipient=case.reviewer.user,
            template=OutboxMessage.Template.SUBJECT_REPLIED,
            link=_link(case),
            dedupe_key=f"notice:{notice.pk}:replied",
        )
    audit_record(action="cases.notice.replied", actor=actor, obj=notice)
    return notice


# ---------------------------------------------------------------- who reviews: exclusions, escalation


def case_exclusions(*, case: Case) -> dict[int, str]:
    """Everyone who may never review or see this case, and why (DESIGN §5; AC-05).

    The same _exclusions routing uses, over every disclosure on the case, plus its subjects.
    """
    excluded: dict[int, str] = {}
    disclosures = case.disclosures.select_related("reporter__user").prefetch_related("subjects").order_by("pk")
    for disclosure in disclosures:
        found = _exclusions(
            kind=disclosure.kind,
            category_code=case.category.code,
            reporter=disclosure.reporter,
            named=list(disclosure.subjects.all()),
            speak_up=bool(disclosure.speak_up),
        )
        for pk, why in found.items():
            excluded.setdefault(pk, why)
    subjects = list(case.subjects.select_related("user"))
    for subject in subjects:
        excluded.setdefault(subject.pk, "is a subject of this case")
    if not disclosures.exists() and subjects:
        # A case with no disclosure on record: the close-relationship rule still applies.
        for pk, why in _exclusions(
            kind=DisclosureKind.SELF_DECLARATION,
            category_code=case.category.code,
            reporter=subjects[0],
            named=subjects[1:],
            speak_up=False,
        ).items():
            excluded.setdefault(pk, why)
    return excluded


def _has_left(staff: StaffMember, today: datetime.date | None = None) -> bool:
    today = today or _today()
    return not staff.is_active or not staff.user.is_active or (staff.end_date is not None and staff.end_date < today)


def reviewer_refusal(*, case: Case, staff: StaffMember) -> str | None:
    """Why this person may not review (or be shown) this case, in words; None if they may."""
    excluded = case_exclusions(case=case)
    if staff.pk in excluded:
        return f"{staff.full_name} cannot take this case: they {excluded[staff.pk]}."
    if _has_left(staff):
        return f"{staff.full_name} cannot take this case: they are no longer active."
    above = {m.pk: m for m in staff_managers_above(staff=staff)}
    for subject in case.subjects.all():
        if subject.pk in above:
            # AC-05: a concern never reaches someone the subject manages.
            return f"{staff.full_name} cannot take this case: they are managed by someone it is about."
    return None


def _grant_restricted(case: Case, staff: StaffMember, *, actor) -> None:
    if case.is_restricted and not case.restricted_to.filter(pk=staff.pk).exists():
        case.restricted_to.add(staff)
        audit_record(action="cases.case.access_granted", actor=actor, obj=case, detail={"staff": staff.pk})


def _revoke_restricted(case: Case, staff: StaffMember | None, *, actor) -> None:
    """A restricted case stays with the people in it; a reviewer who hands it on loses access."""
    if staff is None or not case.is_restricted:
        return
    parties = set(case.subjects.values_list("pk", flat=True)) | set(
        case.disclosures.values_list("reporter_id", flat=True)
    )
    if staff.pk not in parties and not case.shared_with.filter(pk=staff.pk).exists():
        case.restricted_to.remove(staff)
        audit_record(action="cases.case.access_revoked", actor=actor, obj=case, detail={"staff": staff.pk})


def _set_reviewer(case: Case, reviewer: StaffMember | None, *, actor, reason: str, text: str) -> Case:
    previous = case.reviewer
    case.reviewer = reviewer
    _save(case, actor=actor, reason=reason, fields=["reviewer"])
    if reviewer is not None:
        _grant_restricted(case, reviewer, actor=actor)
    _revoke_restricted(case, previous, actor=actor)
    timeline_add(case=case, actor=actor, code=TimelineEntry.Code.REASSIGNED, text=text)
    if reviewer is not None:
        notification_queue(
            recipient=reviewer.user,
            template=OutboxMessage.Template.CASE_ASSIGNED,
            link=_link(case),
            due_date=case.acknowledge_by_date if case.status == Case.Status.NEW else None,
            dedupe_key=f"case:{case.pk}:assigned:{reviewer.pk}:v{case.version}",
        )
    audit_record(
        action=reason,
        actor=actor,
        obj=case,
        detail={"from": previous.pk if previous else None, "to": reviewer.pk if reviewer else None},
    )
    return case


def _refuse_if_excluded(*, case: Case, actor, staff: StaffMember, action: str) -> None:
    """AC-05 (e): a refused assignment raises CaseError and leaves an audit event. The check runs before
    the service's own transaction, so the refusal's audit row survives the rollback of the change."""
    refusal = reviewer_refusal(case=case, staff=staff)
    if refusal:
        audit_record(action=action, actor=actor, obj=case, detail={"to": staff.pk})
        raise CaseError(refusal)


def case_reassign(*, case: Case, actor, reviewer: StaffMember, reason: str, expected_version=None) -> Case:
    """Give the case to another reviewer, with a reason; DESIGN §5 exclusions apply (AC-05 e)."""
    _refuse_if_excluded(case=case, actor=actor, staff=reviewer, action="cases.case.reassign_refused")
    return _case_reassign(case=case, actor=actor, reviewer=reviewer, reason=reason, expected_version=expected_version)


@transaction.atomic
def _case_reassign(*, case: Case, actor, reviewer: StaffMember, reason: str, expected_version=None) -> Case:
    from cases.permissions import can_reassign_case

    case = _lock(case, expected_version)
    _staff_of(actor)
    _require(
        can_reassign_case(actor, case),
        "Only the reviewer, or a senior manager or safeguarding lead who oversees the case, can reassign it.",
    )
    why = _require_reason(reason, "Say why the case is being reassigned.")
    _require(reviewer.pk != case.reviewer_id, f"{reviewer.full_name} already reviews this case.")
    refusal = reviewer_refusal(case=case, staff=reviewer)
    _require(refusal is None, refusal or "")
    case.shared_with.remove(reviewer)
    return _set_reviewer(
        case,
        reviewer,
        actor=actor,
        reason="cases.case.reassigned",
        text=f"Reassigned to {reviewer.full_name}. Why: {why}",
    )


def escalation_targets_for(*, case: Case, actor) -> list[StaffMember]:
    """Who the actor may escalate to (DESIGN §4): a manager above them, a senior manager or a safeguarding
    lead, leaving out anyone excluded from the case."""
    staff = _staff_of(actor)
    candidates = {m.pk: m for m in staff_managers_above(staff=staff)}
    for role in (Role.SENIOR_MANAGER, Role.SAFEGUARDING_LEAD):
        candidates.update({h.pk: h for h in _holders_of(role)})
    candidates.pop(staff.pk, None)
    return [c for c in candidates.values() if reviewer_refusal(case=case, staff=c) is None]


def case_escalate(
    *, case: Case, actor, to: StaffMember, reason: str, reassign: bool, expected_version: int | None = None
) -> Case:
    """Escalate to a manager above, a senior manager or the safeguarding lead (seed 000 §5; seed 001
    "Managing boundary issues"): share the case with them, or hand it over. Exclusions apply."""
    _refuse_if_excluded(case=case, actor=actor, staff=to, action="cases.case.escalation_refused")
    return _case_escalate(
        case=case, actor=actor, to=to, reason=reason, reassign=reassign, expected_version=expected_version
    )


@transaction.atomic
def _case_escalate(
    *, case: Case, actor, to: StaffMember, reason: str, reassign: bool, expected_version: int | None = None
) -> Case:
    from cases.permissions import can_escalate_case

    case = _lock(case, expected_version)
    staff = _staff_of(actor)
    _require(
        can_escalate_case(actor, case), "Only the reviewer, or someone the case was escalated to, can escalate it."
    )
    why = _require_reason(reason, "Say why you are escalating the case.")
    _require(to.pk != staff.pk, "Choose someone other than yourself.")
    refusal = reviewer_refusal(case=case, staff=to)
    _require(refusal is None, refusal or "")
    allowed = {c.pk for c in escalation_targets_for(case=case, actor=actor)}
    _require(
        to.pk in allowed,
        f"{to.full_name} is not someone a case can be escalated to: choose a manager above you, "
        "a senior manager or a safeguarding lead.",
    )
    if reassign:
        _require(to.pk != case.reviewer_id, f"{to.full_name} already reviews this case.")
        case.shared_with.remove(to)
        _set_reviewer(
            case,
            to,
            actor=actor,
            reason="cases.case.escalated",
            text=f"Escalated to {to.full_name}, who now reviews the case. Why: {why}",
        )
        return case
    _require(not case.shared_with.filter(pk=to.pk).exists(), f"The case is already shared with {to.full_name}.")
    case.shared_with.add(to)
    _grant_restricted(case, to, actor=actor)
    _save(case, actor=actor, reason="cases.case.escalated")
    timeline_add(
        case=case,
        actor=actor,
        code=TimelineEntry.Code.ESCALATED,
        text=f"Escalated to {to.full_name}, who can now see and work on the case. Why: {why}",
    )
    notification_queue(
        recipient=to.user,
        template=OutboxMessage.Template.CASE_ASSIGNED,
        link=_link(case),
        dedupe_key=f"case:{case.pk}:shared:{to.pk}:v{case.version}",
    )
    audit_record(action="cases.case.escalated", actor=actor, obj=case, detail={"to": to.pk, "reassigned": False})
    return case


# ---------------------------------------------------------------- the relationships register


@transaction.atomic
def case_record_arrangement(
    *,
    case: Case,
    actor,
    arrangement: str,
    next_review_date: datetime.date,
    expected_version: int | None = None,
) -> Relationship:
    """Record the arrangement agreed for the relationship this case manages: the register entry becomes
    "managed" (DESIGN §3 people; seed 002 §10.1–10.3)."""
    case = _lock(case, expected_version)
    _require_actor(actor, case)
    _require_open(case)
    _require(case.relationship_id is not None, "This case has no entry in the relationships register.")
    arrangement = (arrangement or "").strip()
    _require(bool(arrangement), "Describe the arrangement agreed.")
    _require(next_review_date is not None, "Choose when the arrangement is next reviewed.")
    _require(next_review_date >= _today(), "The review date cannot be in the past.")
    relationship = Relationship.objects.select_for_update().get(pk=case.relationship_id)
    relationship.arrangement = arrangement
    relationship.next_review_date = next_review_date
    relationship.status = Relationship.Status.MANAGED
    relationship._history_user = actor
    relationship._change_reason = f"cases.case.arrangement_recorded {case.reference}"
    relationship.save(update_fields=["arrangement", "next_review_date", "status"])
    _save(case, actor=actor, reason="cases.case.arrangement_recorded")
    timeline_add(
        case=case,
        actor=actor,
        code=TimelineEntry.Code.NOTE,
        text=f"Arrangement recorded in the relationships register, reviewed on {next_review_date:%d/%m/%Y}: "
        f"{arrangement}",
    )
    audit_record(action="cases.case.arrangement_recorded", actor=actor, obj=case)
    return relationship


@transaction.atomic
def case_relationship_end(*, case: Case, actor, reason: str, expected_version: int | None = None) -> Relationship:
    """Record that the relationship this case manages has ended (it no longer needs an arrangement)."""
    case = _lock(case, expected_version)
    _require_actor(actor, case)
    _require_open(case)
    _require(case.relationship_id is not None, "This case has no entry in the relationships register.")
    why = _require_reason(reason, "Say how the relationship ended.")
    relationship = Relationship.objects.select_for_update().get(pk=case.relationship_id)
    relationship.status = Relationship.Status.ENDED
    relationship._history_user = actor
    relationship._change_reason = f"cases.case.relationship_ended {case.reference}"
    relationship.save(update_fields=["status"])
    _save(case, actor=actor, reason="cases.case.relationship_ended")
    timeline_add(case=case, actor=actor, code=TimelineEntry.Code.NOTE, text=f"Relationship recorded as ended: {why}")
    audit_record(action="cases.case.relationship_ended", actor=actor, obj=case)
    return relationship


# ---------------------------------------------------------------- closing


SEXUAL_BOUNDARIES = "sexual-boundaries"


def case_needs_sign_off(*, case: Case) -> bool:
    """High risk (current band is_high), safeguarding, or sexual boundaries: a second person signs off."""
    from cases.selectors import case_current_assessment, risk_band_for

    if case.is_safeguarding or case.category.code == SEXUAL_BOUNDARIES:
        return True
    assessment = case_current_assessment(case=case)
    if assessment is None:
        return False
    band = risk_band_for(assessment.score)
    return assessment.factor_sexual or (band is not None and band.is_high)


def sign_off_candidates(*, case: Case) -> list[StaffMember]:
    """Senior managers and safeguarding leads who may see the case and are not its reviewer."""
    from cases.selectors import case_is_visible_to

    people = {h.pk: h for role in (Role.SENIOR_MANAGER, Role.SAFEGUARDING_LEAD) for h in _holders_of(role)}
    blocked = {case.reviewer_id, case.closure_requested_by_id}
    return [p for p in people.values() if p.pk not in blocked and case_is_visible_to(p.user, case)]


def case_closure_problems(*, case: Case, outcome: str = "", summary_for_reporter: str = "") -> list[str]:
    """What still stops the case closing, in words (DESIGN §4 guards); empty when it may close."""
    from cases.selectors import case_prompts_unanswered

    problems = []
    if outcome not in Outcome.values:
        problems.append("Choose an outcome.")
    if not (summary_for_reporter or "").strip():
        problems.append("Write a short summary the person who raised it may read.")
    unanswered = case_prompts_unanswered(case=case, outcome=outcome or None)
    if unanswered:
        labels = ", ".join(StatutoryPrompt(code).label for code in unanswered)
        problems.append(f"Answer every statutory prompt before closing: {labels}.")
    relationship = case.relationship
    if relationship is not None and relationship.status == Relationship.Status.DECLARED:
        problems.append(
            "The relationship continues: record the arrangement agreed in the relationships register, "
            "or record that it has ended."
        )
    elif relationship is not None and relationship.is_open and not relationship.arrangement.strip():
        problems.append("Record the arrangement agreed for the relationship that continues.")
    return problems


@transaction.atomic
def case_close(
    *,
    case: Case,
    actor,
    outcome: str,
    outcome_notes: str,
    summary_for_reporter: str,
    lessons: str = "",
    expected_version: int | None = None,
) -> Case:
    """Close with an outcome (DESIGN §4). High-risk, safeguarding and sexual-boundary cases go to
    CLOSURE_REVIEW for a second person's sign-off; the rest close now and the reporter is told."""
    case = _lock(case, expected_version)
    staff = _require_actor(actor, case)
    if case.status == Case.Status.CLOSURE_REVIEW:
        raise CaseError("This case is already waiting for a second person to sign off its closure.")
    if case.status == Case.Status.CLOSED:
        raise TransitionNotAllowed(case.status, Case.Status.CLOSED)
    problems = case_closure_problems(case=case, outcome=outcome, summary_for_reporter=summary_for_reporter)
    if problems:
        raise CaseError(" ".join(problems))
    case.outcome = outcome
    case.outcome_notes = (outcome_notes or "").strip()
    case.outcome_summary_for_reporter = summary_for_reporter.strip()
    case.lessons = (lessons or "").strip()
    case.closure_requested_at = timezone.now()
    case.closure_requested_by = staff
    fields = [
        "outcome",
        "outcome_notes",
        "outcome_summary_for_reporter",
        "lessons",
        "closure_requested_at",
        "closure_requested_by",
    ]
    if case_needs_sign_off(case=case):
        candidates = sign_off_candidates(case=case)
        _move(
            case,
            to=Case.Status.CLOSURE_REVIEW,
            actor=actor,
            reason="cases.case.closure_requested",
            fields=fields,
            code=TimelineEntry.Code.CLOSURE_REQUESTED,
            text=f"Closure requested with outcome “{Outcome(outcome).label}”. A high-risk, safeguarding or "
            "sexual-boundaries case needs a second person – a senior manager or safeguarding lead – to sign off.",
        )
        if not candidates:
            # Nobody may see it yet (e.g. a restricted case): share it with a free safeguarding lead.
            excluded = case_exclusions(case=case) | {case.reviewer_id: "reviews it", staff.pk: "asked to close it"}
            lead = _first_free_holder(Role.SAFEGUARDING_LEAD, excluded)
            if lead is not None:
                case.shared_with.add(lead)
                _grant_restricted(case, lead, actor=actor)
                timeline_add(
                    case=case,
                    actor=actor,
                    code=TimelineEntry.Code.ESCALATED,
                    text=f"Shared with safeguarding lead {lead.full_name} for the closure sign-off.",
                )
                candidates = [lead]
        for person in candidates:
            notification_queue(
                recipient=person.user,
                template=OutboxMessage.Template.CASE_SIGN_OFF,
                link=_link(case),
                dedupe_key=f"case:{case.pk}:sign_off:{person.pk}:v{case.version}",
            )
        return case
    case.closed_at = timezone.now()
    _move(
        case,
        to=Case.Status.CLOSED,
        actor=actor,
        reason="cases.case.closed",
        fields=[*fields, "closed_at"],
        code=TimelineEntry.Code.CLOSED,
        text=f"Closed with outcome “{Outcome(outcome).label}”.",
    )
    _notify_reporters_closed(case)
    return case


def _notify_reporters_closed(case: Case) -> None:
    for disclosure in case.disclosures.select_related("reporter__user"):
        notification_queue(
            recipient=disclosure.reporter.user,
            template=OutboxMessage.Template.CASE_CLOSED,
            link=f"/disclosures/{disclosure.pk}/",
            dedupe_key=f"disclosure:{disclosure.pk}:closed:v{case.version}",
        )


@transaction.atomic
def case_sign_off(*, case: Case, actor, expected_version: int | None = None) -> Case:
    """CLOSURE_REVIEW → CLOSED by a second person: a senior manager or safeguarding lead who may see
    the case and is not its reviewer (DESIGN §4)."""
    from cases.permissions import can_sign_off_case

    case = _lock(case, expected_version)
    staff = _staff_of(actor)
    if case.status != Case.Status.CLOSURE_REVIEW:
        raise TransitionNotAllowed(case.status, Case.Status.CLOSED)
    _require(
        staff.pk not in {case.reviewer_id, case.closure_requested_by_id},
        "You asked for this case to be closed, so someone else must sign it off.",
    )
    _require(can_sign_off_case(actor, case), "Only a senior manager or a safeguarding lead can sign off closure.")
    case.signed_off_by = staff
    case.signed_off_at = case.closed_at = timezone.now()
    _move(
        case,
        to=Case.Status.CLOSED,
        actor=actor,
        reason="cases.case.signed_off",
        fields=["signed_off_by", "signed_off_at", "closed_at"],
        code=TimelineEntry.Code.SIGNED_OFF,
        text=f"Closure signed off by {staff.full_name}; closed with outcome “{case.get_outcome_display()}”.",
    )
    _notify_reporters_closed(case)
    return case


@transaction.atomic
def case_send_back(*, case: Case, actor, reason: str, expected_version: int | None = None) -> Case:
    """Sign-off refused: CLOSURE_REVIEW → FACT_FINDING, with the reason on the timeline."""
    from cases.permissions import can_sign_off_case

    case = _lock(case, expected_version)
    _staff_of(actor)
    if case.status != Case.Status.CLOSURE_REVIEW:
        raise TransitionNotAllowed(case.status, Case.Status.FACT_FINDING)
    _require(
        can_sign_off_case(actor, case), "Only the senior manager or safeguarding lead signing off can send it back."
    )
    why = _require_reason(reason, "Say why the case is sent back.")
    case.closure_requested_at = None
    case.closure_requested_by = None
    _move(
        case,
        to=Case.Status.FACT_FINDING,
        actor=actor,
        reason="cases.case.sent_back",
        fields=["closure_requested_at", "closure_requested_by"],
        text=f"Closure not signed off; sent back to fact-finding. Why: {why}",
    )
    _notify_reviewer_updated(case, event="sent_back")
    return case


@transaction.atomic
def case_reopen(*, case: Case, actor, reason: str, expected_version: int | None = None) -> Case:
    """CLOSED → FACT_FINDING, with a reason; the outcome is cleared for a fresh decision."""
    from cases.permissions import can_reopen_case

    case = _lock(case, expected_version)
    _staff_of(actor)
    if case.status != Case.Status.CLOSED:
        raise TransitionNotAllowed(case.status, Case.Status.FACT_FINDING)
    _require(can_reopen_case(actor, case), "Only the reviewer, a senior manager or a safeguarding lead can reopen it.")
    why = _require_reason(reason, "Say why the case is reopened.")
    previous = case.get_outcome_display()
    case.closed_at = None
    case.outcome = ""
    case.closure_requested_at = None
    case.closure_requested_by = None
    case.signed_off_by = None
    case.signed_off_at = None
    _move(
        case,
        to=Case.Status.FACT_FINDING,
        actor=actor,
        reason="cases.case.reopened",
        fields=[
            "closed_at",
            "outcome",
            "closure_requested_at",
            "closure_requested_by",
            "signed_off_by",
            "signed_off_at",
        ],
        code=TimelineEntry.Code.REOPENED,
        text=f"Reopened (it had closed with outcome “{previous}”). Why: {why}",
    )
    _notify_reviewer_updated(case, event="reopened")
    return case


@transaction.atomic
def case_note_add(*, case: Case, actor, text: str, expected_version: int | None = None) -> TimelineEntry:
    """Add a note to the timeline."""
    case = _lock(case, expected_version)
    _require_actor(actor, case)
    text = (text or "").strip()
    _require(bool(text), "Write the note.")
    _save(case, actor=actor, reason="cases.case.note_added")
    entry = timeline_add(case=case, actor=actor, code=TimelineEntry.Code.NOTE, text=text)
    audit_record(action="cases.case.note_added", actor=actor, obj=case)
    return entry


# ---------------------------------------------------------------- re-routing


def _routing_input(case: Case) -> dict:
    """What routing needs, from the case's first disclosure (or its subjects when it has none)."""
    first = case.disclosures.select_related("reporter__user").order_by("pk").first()
    if first is not None:
        return {
            "kind": first.kind,
            "category_code": case.category.code,
            "reporter": first.reporter,
            "named": list(first.subjects.select_related("user").order_by("pk")),
            "speak_up": bool(first.speak_up),
        }
    subjects = list(case.subjects.select_related("user").order_by("pk"))
    return {
        "kind": DisclosureKind.SELF_DECLARATION,
        "category_code": case.category.code,
        "reporter": subjects[0],
        "named": subjects[1:],
        "speak_up": case.is_speak_up,
    }


def _reroute_one(case: Case, *, actor, why: str) -> Case | None:
    """Route the case again and hand it over if the answer is someone else; the timeline says why."""
    routing = reviewer_choose(**_routing_input(case))
    chosen = routing.reviewer
    if chosen is not None and reviewer_refusal(case=case, staff=chosen) is not None:
        chosen = None
    if chosen is None:
        excluded = case_exclusions(case=case)
        if case.reviewer_id:
            excluded[case.reviewer_id] = "is being replaced"
        chosen = _first_free_holder(Role.SAFEGUARDING_LEAD, excluded)
        routing.reasons.append(
            f"The case went to safeguarding lead {chosen.full_name}." if chosen else "Nobody could take it."
        )
    if chosen is not None and chosen.pk == case.reviewer_id:
        return None
    case.shared_with.remove(*(s for s in [chosen] if s is not None))
    _set_reviewer(
        case,
        chosen,
        actor=actor,
        reason="cases.case.rerouted",
        text=f"Re-routed: {why} " + " ".join(routing.reasons),
    )
    return case


@transaction.atomic
def cases_reroute_for(*, staff: StaffMember, actor=None, previous_line_manager_id: int | None = None) -> list[Case]:
    """Re-route the open cases a staff change affects (DESIGN §5): cases this person reviews when they
    left or became conflicted, and cases about them still with the line manager they no longer have."""
    staff = StaffMember.objects.select_related("user").get(pk=staff.pk)
    affected = (
        Case.objects.filter(status__in=Case.OPEN_STATUSES)
        .filter(Q(reviewer=staff) | Q(subjects=staff) | Q(disclosures__reporter=staff))
        .values_list("pk", flat=True)
        .distinct()
    )
    moved: list[Case] = []
    for pk in sorted(set(affected)):
        case = _lock(Case(pk=pk))
        reviewer = case.reviewer
        why = None
        if reviewer is None:
            why = "the case had no reviewer."
        else:
            refusal = reviewer_refusal(case=case, staff=reviewer)
            if refusal:
                why = refusal.replace(" cannot take this case: they ", " can no longer review it: they ")
            elif previous_line_manager_id and reviewer.pk == previous_line_manager_id:
                routed_subject = _routing_input(case)
                subject = (
                    routed_subject["named"][0]
                    if routed_subject["kind"] == DisclosureKind.CONCERN and routed_subject["named"]
                    else routed_subject["reporter"]
                )
                if subject.pk == staff.pk:
                    why = f"{reviewer.full_name} is no longer the line manager of {staff.full_name}."
        if why is None:
            continue
        if _reroute_one(case, actor=actor, why=why) is not None:
            moved.append(case)
    return moved


def cases_reroute_leavers(*, today: datetime.date | None = None) -> list[Case]:
    """Daily sweep: open cases whose reviewer has left (inactive, account off, or past their end date)
    are re-routed, however the change was made (admin, import, the user table)."""
    today = today or _today()
    reviewers = (
        StaffMember.objects.filter(cases_to_review__status__in=Case.OPEN_STATUSES)
        .filter(Q(is_active=False) | Q(user__is_active=False) | Q(end_date__lt=today))
        .distinct()
    )
    moved: list[Case] = []
    for reviewer in reviewers:
        moved += cases_reroute_for(staff=reviewer)
    return moved


# ---------------------------------------------------------------- reminders


def digest_queue(*, today: datetime.date | None = None) -> int:
    """Queue today's digest: one content-free e-mail per person with overdue acknowledgements, reviews
    or actions due (and, for administrators, policies due for review). Returns how many were queued now;
    running it again the same day queues nothing (the dedupe key is per person per date; JR-03, JR-07)."""
    from django.contrib.auth import get_user_model

    from cases.selectors import digest_counts_for, digest_recipient_ids

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
