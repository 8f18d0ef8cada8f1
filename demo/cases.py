"""Two years of case history for `manage.py seed_demo` (a step in demo.management.commands.seed_demo.DEMO_STEPS).

Every disclosure is filed, and every case moved, through the same services the pages use, with the
clock set back to the day it happened (time-machine), so timelines, change history, audit events and
deadlines read as they would have. The plan comes from a seeded random generator and the fixed
demo.context.ANCHOR_DATE, so a re-run plans the same thing; it is skipped once the history exists.

Notifications for this history would have gone out at the time: they are marked sent, so starting
the site does not print hundreds of old e-mails.
"""

from __future__ import annotations

import contextlib
import datetime
import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import time_machine

from cases import selectors as case_selectors
from cases import services as case_services
from cases.models import Action, ActionCheck, ActionTemplate, Case, Outcome
from cases.selectors import case_prompts_raised
from core.roles import Role
from demo.context import ANCHOR_DATE, DemoContext
from disclosures.models import Disclosure
from disclosures.services import disclosure_draft_save, disclosure_submit
from notifications.models import OutboxMessage
from people.models import Assignment, ServiceUser, StaffMember
from policies.models import BoundaryCategory, DisclosureKind

HISTORY_START = ANCHOR_DATE - datetime.timedelta(days=730)
# The demo manager's own queue, filed by their team in the last weeks: one case in each state
# (category, where the case stops). physical-contact is a safeguarding matter, so it waits for a
# second person to sign off its closure.
SHOWCASE = [
    ("gifts-money", Case.Status.NEW),
    ("social-media", Case.Status.FACT_FINDING),
    ("contact-outside-work", Case.Status.ACTION_PLAN),
    ("advice-beyond-role", Case.Status.MONITORING),
    ("physical-contact", Case.Status.CLOSURE_REVIEW),
    ("friendship", Case.Status.CLOSED),
    ("personal-disclosure-gossip", Case.Status.NEW),
]
LONDON = ZoneInfo("Europe/London")

# What a worker might write, per category: plain, and naming nobody (the people involved are picked).
NARRATIVES = {
    "prior-relationship": "A service user I have just started supporting is someone I knew from school.",
    "related-to-service-user": "I have found out that a new service user is my partner's cousin.",
    "attachment-feelings": "I have noticed I think about one service user a lot outside work and want to talk it "
    "through.",
    "friendship": "The service user keeps asking to meet up as friends on my days off.",
    "gifts-money": "A service user's family offered me money at the end of a visit. I said no.",
    "contact-outside-work": "A service user asked for my personal mobile number so they can text me.",
    "social-media": "I received a friend request from a service user on social media.",
    "physical-contact": "A service user hugged me tightly while I was supporting them and would not let go.",
    "sexual-boundaries": "A service user made sexual comments during personal care and tried to touch me.",
    "service-user-sexualised-behaviour": "A carer made a sexual remark to me during a home visit.",
    "personal-disclosure-gossip": "I heard a colleague talking about a service user's private life in the staff room.",
    "concealing-information": "A colleague asked me not to tell the manager about extra visits they make.",
    "influence-beliefs": "A colleague has been bringing religious leaflets to a service user.",
    "advice-beyond-role": "A service user asked me for advice on their divorce and I gave more than I should.",
    "misuse-money-property": "Receipts for a service user's shopping do not match the money spent.",
    "substances": "A colleague smelled of alcohol at the start of a shift.",
    "care-outside-plan": "A colleague gave a service user a medicine that is not in their support plan.",
    "abuse-of-power": "A colleague tells a service user they will lose their place if they complain.",
    "discrimination": "A colleague refused to support a service user because of their religion.",
    "relationship-between-workers": "I am in a relationship with a colleague in my team.",
    "former-service-user": "I have met a former service user socially and we want to stay friends.",
    "variation-request": "I would like to take a service user to a football match with a second worker.",
}
# Common things first: most disclosures are gifts, contact and social media (seed 001 "Monitoring").
WEIGHTS = {
    "gifts-money": 9,
    "social-media": 8,
    "contact-outside-work": 7,
    "prior-relationship": 6,
    "physical-contact": 5,
    "friendship": 4,
    "personal-disclosure-gossip": 4,
    "advice-beyond-role": 3,
    "variation-request": 3,
    "attachment-feelings": 3,
    "service-user-sexualised-behaviour": 2,
    "concealing-information": 2,
    "related-to-service-user": 2,
    "former-service-user": 2,
    "misuse-money-property": 2,
    "substances": 2,
    "care-outside-plan": 2,
    "influence-beliefs": 1,
    "discrimination": 1,
    "abuse-of-power": 1,
    "sexual-boundaries": 1,
    "relationship-between-workers": 1,
}
DETAILS = {
    "gifts-money": {"item": "Cash", "approx_value": "20", "from_whom": "family", "response": "declined"},
    "social-media": {"platform": "facebook", "what_happened": "request_received"},
    "prior-relationship": {"kind": "friend", "since": "2015-01-01", "began": "before"},
    "related-to-service-user": {"kind": "family", "since": "2000-01-01", "began": "before"},
    "former-service-user": {"kind": "friend", "since": "2025-01-01", "began": "during"},
    "relationship-between-workers": {"kind": "romantic", "since": "2025-01-01", "began": "during"},
    "variation-request": {"planned_activity": "A football match", "when": "2026-01-01", "why": "Inclusion"},
}
ACTIONS_FOR = {
    "gifts-money": ["gift-return", "supervision"],
    "social-media": ["block-social-media", "supervision"],
    "contact-outside-work": ["boundary-agreement", "supervision"],
    "prior-relationship": ["handover", "inform-team"],
    "related-to-service-user": ["handover", "inform-team"],
    "relationship-between-workers": ["line-management", "shift-pattern"],
    "former-service-user": ["boundary-agreement", "supervision"],
    "sexual-boundaries": ["referral-safeguarding", "referral-hr"],
    "misuse-money-property": ["referral-safeguarding", "referral-hr"],
    "substances": ["referral-hr", "supervision"],
}
DEFAULT_ACTIONS = ["supervision", "training"]
LESSONS = [
    "Remind teams how to decline gifts kindly and record them in the gifts register.",
    "Include social-media requests from families in the next boundaries refresher.",
    "Lone visits make boundaries harder to hold: agree check-in calls.",
    "Declaring early made this easy to manage; tell staff that declaring is the right thing to do.",
    "",
]
OUTCOMES_FOR_CONCERNS = [Outcome.NOT_SUBSTANTIATED, Outcome.GUIDANCE, Outcome.TRAINING, Outcome.DISCIPLINARY]
OUTCOMES_FOR_OTHERS = [Outcome.MANAGED_ARRANGEMENT, Outcome.NO_FURTHER_ACTION, Outcome.GUIDANCE, Outcome.TRAINING]


@dataclass
class Planned:
    day: datetime.date
    reporter: StaffMember
    category: BoundaryCategory
    kind: str
    subject: StaffMember | None
    service_user: ServiceUser | None
    final: str  # the status the case should reach


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=LONDON)


def _later(day: datetime.date, rng: random.Random, low: int, high: int) -> datetime.date:
    """A working day between low and high days after `day`, never after the anchor date."""
    target = min(day + datetime.timedelta(days=rng.randint(low, high)), ANCHOR_DATE)
    while target.weekday() >= 5 and target < ANCHOR_DATE:
        target += datetime.timedelta(days=1)
    return target


def _final_status(rng: random.Random, age_days: int) -> str:
    """Old cases are mostly closed; recent ones spread over the open states."""
    if age_days > 150:
        return Case.Status.CLOSED if rng.random() < 0.93 else Case.Status.MONITORING
    if age_days > 45:
        return rng.choice([Case.Status.CLOSED, Case.Status.CLOSED, Case.Status.MONITORING, Case.Status.ACTION_PLAN])
    return rng.choice(
        [
            Case.Status.NEW,
            Case.Status.FACT_FINDING,
            Case.Status.ACTION_PLAN,
            Case.Status.CLOSURE_REVIEW,
            Case.Status.CLOSED,
        ]
    )


def _plan(ctx: DemoContext) -> list[Planned]:
    rng = ctx.rng("cases.history")
    workers = list(
        StaffMember.objects.filter(is_active=True, line_manager__isnull=False, user__groups__name=Role.WORKER.value)
        .exclude(user__groups__name__in=[Role.SAFEGUARDING_LEAD.value, Role.SPEAK_UP_GUARDIAN.value])
        .select_related("team", "user", "line_manager__user")
        .order_by("staff_number")
        .distinct()
    )
    by_team: dict[int, list[StaffMember]] = {}
    for staff in workers:
        by_team.setdefault(staff.team_id, []).append(staff)
    users_by_team: dict[int, list[ServiceUser]] = {}
    for service_user in ServiceUser.objects.filter(status=ServiceUser.Status.CURRENT).order_by("reference"):
        users_by_team.setdefault(service_user.team_id, []).append(service_user)
    assigned: dict[int, set[int]] = {}
    for staff_id, service_user_id in Assignment.objects.values_list("staff_id", "service_user_id"):
        assigned.setdefault(staff_id, set()).add(service_user_id)
    categories = {c.code: c for c in BoundaryCategory.objects.filter(is_active=True, code__in=WEIGHTS)}
    codes = [code for code in WEIGHTS if code in categories]
    planned = []
    for _ in range(ctx.history_cases):
        day = HISTORY_START + datetime.timedelta(days=rng.randint(0, (ANCHOR_DATE - HISTORY_START).days - 3))
        while day.weekday() >= 5:
            day -= datetime.timedelta(days=1)
        category = categories[rng.choices(codes, weights=[WEIGHTS[c] for c in codes])[0]]
        kinds = [
            k
            for k in (
                DisclosureKind.SELF_DECLARATION,
                DisclosureKind.INCIDENT,
                DisclosureKind.CONCERN,
                DisclosureKind.VARIATION,
            )
            if category.applies_to(k)
        ]
        kind = rng.choice(kinds)
        reporter = rng.choice(workers)
        teammates = [s for s in by_team.get(reporter.team_id, []) if s.pk != reporter.pk]
        needs_colleague = kind == DisclosureKind.CONCERN or category.code == "relationship-between-workers"
        if needs_colleague and not teammates:
            continue
        subject = rng.choice(teammates) if needs_colleague else None
        team_users = users_by_team.get(reporter.team_id) or []
        if category.is_relationship:
            # Declared before any allocation: the register then keeps them from supporting that person
            # (seed 000 §4.2), so they are never already assigned to them.
            team_users = [u for u in team_users if u.pk not in assigned.get(reporter.pk, set())]
        service_user = (
            rng.choice(team_users) if team_users and category.code != "relationship-between-workers" else None
        )
        planned.append(
            Planned(day, reporter, category, kind, subject, service_user, _final_status(rng, (ANCHOR_DATE - day).days))
        )
    team = [s for s in workers if s.line_manager is not None and s.line_manager.user.username == "manager"]
    for step, (code, final) in enumerate(SHOWCASE if team else ()):
        reporter = team[step % len(team)]
        day = ANCHOR_DATE - datetime.timedelta(days=24 - 3 * step)
        team_users = users_by_team.get(reporter.team_id) or [None]
        incident = categories[code].applies_to(DisclosureKind.INCIDENT)
        kind = DisclosureKind.INCIDENT if incident else DisclosureKind.SELF_DECLARATION
        planned.append(Planned(day, reporter, categories[code], kind, None, team_users[step % len(team_users)], final))
    return sorted(planned, key=lambda p: p.day)


def _file(plan: Planned) -> Case:
    with time_machine.travel(_at(plan.day, 9), tick=False):
        disclosure = disclosure_draft_save(
            reporter=plan.reporter,
            kind=plan.kind,
            category=plan.category,
            occurred_date=plan.day if plan.kind != DisclosureKind.VARIATION else None,
            narrative=NARRATIVES[plan.category.code],
            details=DETAILS.get(plan.category.code, {}),
            subjects=[plan.subject] if plan.subject else [],
            service_users=[plan.service_user] if plan.service_user else [],
            good_faith_confirmed=plan.kind == DisclosureKind.CONCERN,
        )
        return disclosure_submit(disclosure=disclosure, actor=plan.reporter.user).case


def _progress(plan: Planned, case: Case, rng: random.Random) -> None:
    """Take the case as far as the plan says, each step on its own day."""
    reviewer = case.reviewer
    if reviewer is None or plan.final == Case.Status.NEW:
        return
    actor = reviewer.user
    day = _later(plan.day, rng, 0, 6 if case.priority != "urgent" else 1)
    with time_machine.travel(_at(day), tick=False):
        case = case_services.case_acknowledge(case=case, actor=actor)
    if plan.final == Case.Status.FACT_FINDING:
        return
    day = _later(day, rng, 1, 10)
    with time_machine.travel(_at(day), tick=False):
        likelihood, consequence = rng.randint(1, 4), rng.randint(1, 4)
        if case.priority in ("urgent", "high"):
            consequence = min(5, consequence + 1)
        case_services.case_assess(
            case=case,
            actor=actor,
            likelihood=likelihood,
            consequence=consequence,
            residual_likelihood=max(1, likelihood - 1),
            residual_consequence=consequence,
            factors={"factor_lone_working": rng.random() < 0.3, "factor_repeated": rng.random() < 0.15},
            risk_to_service_user="Confusion about the worker's role if this continues.",
            risk_to_worker="Allegations, and strain from holding the boundary alone.",
            risk_to_organisation="Loss of trust in the service.",
            mitigation="Agreed actions below, reviewed in supervision.",
        )
        case = case_services.case_start_action_plan(case=case, actor=actor)
        for code in ACTIONS_FOR.get(plan.category.code, DEFAULT_ACTIONS)[: rng.randint(1, 2)]:
            case_services.action_add(
                case=case, actor=actor, template=ActionTemplate.objects.get(code=code), owner=reviewer
            )
        case = case_services.case_set_review_date(
            case=case, actor=actor, next_review_date=day + datetime.timedelta(days=rng.choice([14, 28, 42]))
        )
    if plan.final == Case.Status.ACTION_PLAN:
        return
    with time_machine.travel(_at(day, 11), tick=False):
        case = case_services.case_start_monitoring(case=case, actor=actor)
    review_day = case.next_review_date
    # Reviews on their dates (seed 002 §10.3): one before closing; a case still monitored is reviewed
    # every four weeks up to the anchor date.
    last_review = ANCHOR_DATE if plan.final == Case.Status.MONITORING else review_day
    while review_day <= min(last_review, ANCHOR_DATE) and plan.final in (Case.Status.CLOSED, Case.Status.MONITORING):
        with time_machine.travel(_at(review_day), tick=False):
            checks = [
                {"action": a, "still_needed": rng.random() < 0.6, "working": ActionCheck.Working.YES, "note": ""}
                for a in case.actions.filter(status="open")
            ]
            case_services.review_record(
                case=case,
                actor=actor,
                notes="Reviewed with the worker in supervision; the arrangements are working.",
                next_review_date=review_day + datetime.timedelta(days=28),
                checks=checks,
            )
            case.refresh_from_db()
        review_day = case.next_review_date
    if plan.final == Case.Status.MONITORING:
        return
    if plan.final == Case.Status.CLOSURE_REVIEW and not case_selectors.case_needs_sign_off(case=case):
        return  # stays in monitoring: only some cases go to a second person
    _close(plan, case, rng, actor, reviewer, review_day)


def _close(plan: Planned, case: Case, rng: random.Random, actor, reviewer: StaffMember, after: datetime.date) -> None:
    day = _later(max(after, plan.day), rng, 1, 30)
    with time_machine.travel(_at(day), tick=False):
        for action in case.actions.filter(status=Action.Status.OPEN):
            case_services.action_set_status(action=action, actor=actor, status=Action.Status.DONE)
        for prompt in case_prompts_raised(case=case):
            made = rng.random() < 0.4
            case_services.prompt_answer(
                case=case,
                actor=actor,
                prompt=prompt,
                referral_made=made,
                reason="Discussed with the safeguarding lead." if made else "Threshold not met after discussion.",
            )
        if case.relationship_id and case.relationship.is_open:
            case_services.case_record_arrangement(
                case=case,
                actor=actor,
                arrangement="Another worker supports the service user; the worker does not visit alone.",
                next_review_date=day + datetime.timedelta(days=180),
            )
        outcomes = OUTCOMES_FOR_CONCERNS if plan.kind == DisclosureKind.CONCERN else OUTCOMES_FOR_OTHERS
        case = case_services.case_close(
            case=case,
            actor=actor,
            outcome=rng.choice(outcomes),
            outcome_notes="Agreed with the worker; arrangements recorded.",
            summary_for_reporter="Thank you for telling us. We looked into it and agreed what happens next.",
            lessons=rng.choice(LESSONS),
        )
    if case.status == Case.Status.CLOSURE_REVIEW and plan.final == Case.Status.CLOSED:
        signers = case_selectors.sign_off_candidates(case=case)
        if signers:
            with time_machine.travel(_at(_later(day, rng, 1, 4), 14), tick=False):
                case = case_services.case_sign_off(case=case, actor=signers[0].user)
    if case.status == Case.Status.CLOSED and rng.random() < 0.04:
        with time_machine.travel(_at(_later(day, rng, 10, 40)), tick=False):
            case_services.case_reopen(
                case=case, actor=actor, reason="The worker told us the contact has started again."
            )


def seed_case_history(ctx: DemoContext) -> str:
    """ctx.history_cases cases over the two years before the anchor date, and one in each state for the
    demo manager."""
    # The history is dated up to the anchor date; everything else the demo files is dated today.
    if Disclosure.objects.filter(submitted_at__date__lte=ANCHOR_DATE).exists():
        return "Case history: already there."
    started = datetime.datetime.now(tz=LONDON)
    rng = ctx.rng("cases.progress")
    made = 0
    for plan in _plan(ctx):
        case = _file(plan)
        # A guard the plan did not foresee leaves the case where it is, as it would a real one.
        with contextlib.suppress(case_services.CaseError):
            _progress(plan, case, rng)
        made += 1
    # This history's e-mails went out at the time.
    OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING, created_at__lt=started).update(
        status=OutboxMessage.Status.SENT, sent_at=started
    )
    by_status = {s.label: Case.objects.filter(status=s).count() for s in Case.Status}
    return f"Case history: {made} cases filed over two years ({', '.join(f'{k} {v}' for k, v in by_status.items())})."
