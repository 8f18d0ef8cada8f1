"""Which cases a user may see (DESIGN §6), and the reads the case pages and services share.

Every list, count, notification and export starts from case_list_for. The rules it keeps:
the subject and the reporter of a case never see it (AC-05); a restricted case is seen only by
the people it is restricted to (AC-06, seed 002 §10.4); superusers and administrators see
nothing (AC-07). docs/cases.md describes each rule.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from cases.models import (
    Action,
    ActionCheck,
    Case,
    PromptAnswer,
    Review,
    RiskAssessment,
    RiskBand,
    SubjectNotice,
)
from core.roles import Role, has_role
from people.models import Relationship, StaffMember, Team
from policies.models import StatutoryPrompt


def _team_and_below(team: Team) -> set[int]:
    found = {team.pk}
    level = {team.pk}
    while level:
        level = set(Team.objects.filter(parent__in=level).values_list("pk", flat=True)) - found
        found |= level
    return found


def staff_close_colleagues(*, staff: StaffMember) -> set[int]:
    """Colleagues with whom this worker has an open declared close relationship, either way round."""
    rels = Relationship.objects.filter(
        counterpart=Relationship.Counterpart.COLLEAGUE,
        kind__in=Relationship.CLOSE_KINDS,
        status__in=Relationship.OPEN_STATUSES,
    ).filter(Q(staff=staff) | Q(colleague=staff))
    return {r.colleague_id if r.staff_id == staff.pk else r.staff_id for r in rels.only("staff_id", "colleague_id")}


def _active_staff(user) -> StaffMember | None:
    staff = getattr(user, "staff", None) if user.is_authenticated else None
    if staff is None or not staff.is_active or not user.is_active:
        return None
    return staff


def case_list_for(user) -> QuerySet[Case]:
    """Cases the user may see (DESIGN §6; AC-03, AC-05, AC-06, AC-07, AC-11).

    The visible ids are worked out in one subquery, so the queryset has no duplicate rows and
    callers may annotate, count and order it freely.
    """
    staff = _active_staff(user)
    if staff is None:
        return Case.objects.none()
    # The reviewer, and anyone the case was escalated to (shared_with).
    visible = Q(reviewer=staff) | Q(shared_with=staff)
    if has_role(user, Role.SAFEGUARDING_LEAD):
        visible |= Q(is_safeguarding=True)
    if has_role(user, Role.SPEAK_UP_GUARDIAN):
        visible |= Q(is_speak_up=True)
    if has_role(user, Role.SENIOR_MANAGER):
        visible |= Q(team__in=_team_and_below(staff.team))
    if has_role(user, Role.HR):
        # DESIGN §6: HR sees a case only once it is referred for disciplinary investigation.
        visible |= Q(hr_referred_at__isnull=False)
    conflicted = staff_close_colleagues(staff=staff)
    ids = (
        Case.objects.filter(visible)
        .filter(Q(is_restricted=False) | Q(restricted_to=staff))
        .exclude(subjects=staff)
        .exclude(disclosures__reporter=staff)
        .exclude(Q(subjects__in=conflicted) & ~Q(reviewer=staff))
        .values("pk")
    )
    return Case.objects.filter(pk__in=ids).select_related("category", "reviewer__user", "team")


def case_get_for(user, pk: int) -> Case:
    """One case the user may see; raises Case.DoesNotExist otherwise (the view gives 404)."""
    return case_list_for(user).get(pk=pk)


def case_is_visible_to(user, case: Case) -> bool:
    """May this user see this case at all? The same rule as case_list_for."""
    return case_list_for(user).filter(pk=case.pk).exists()


def case_timeline(*, case: Case):
    """The case's timeline in order; call only after case_list_for has allowed the case."""
    return case.timeline.select_related("actor").order_by("at", "pk")


# ---------------------------------------------------------------- risk


def risk_band_for(score: int | None) -> RiskBand | None:
    """The band a likelihood × consequence score falls in (the bands are data: migration 0003)."""
    if score is None:
        return None
    return RiskBand.objects.filter(min_score__lte=score, max_score__gte=score).order_by("min_score").first()


def case_current_assessment(*, case: Case) -> RiskAssessment | None:
    """The latest risk assessment of a case: the current one."""
    return case.assessments.order_by("-assessed_at", "-pk").first()


def case_current_band(*, case: Case) -> RiskBand | None:
    """The band of the current assessment, or None before any assessment."""
    assessment = case_current_assessment(case=case)
    return risk_band_for(assessment.score) if assessment else None


# ---------------------------------------------------------------- statutory prompts


@dataclass(frozen=True)
class PromptRule:
    """A fact about a case and the statutory routes it makes the reviewer consider."""

    when: str  # a key of _FACTS below
    prompts: tuple[str, ...]
    source: str  # the policy clause, as cited in docs/cases.md


P = StatutoryPrompt
# The category's own prompts come from BoundaryCategory.statutory_prompts (policies migration 0002).
# These rules add prompts from what the risk assessment and the people involved show.
PROMPT_RULES: tuple[PromptRule, ...] = (
    # seed 002 §5.6 "a referral made for investigation under safeguarding procedures"; §7.6 "There must
    # be consideration of the use of safeguarding process"; a child or an adult at risk also brings the
    # LADO (child) / PiPoT (adult) route for a person in a position of trust.
    PromptRule("factor_vulnerable", (P.SAFEGUARDING_REFERRAL, P.LADO_PIPOT), "seed 002 §5.6, §7.6"),
    # seed 002 §6.3.1: sexual boundaries "could constitute offences under Sexual Offences Act 2003 and
    # will be reported immediately to the police"; §5.6 safeguarding procedures.
    PromptRule("factor_sexual", (P.POLICE, P.SAFEGUARDING_REFERRAL), "seed 002 §6.3.1, §5.6"),
    # seed 002 §6.3.5–6.3.6: financial dealings with service users; financial abuse is a safeguarding matter.
    PromptRule("factor_financial", (P.SAFEGUARDING_REFERRAL,), "seed 002 §6.3.5–6.3.6, §5.6"),
    # seed 002 §7.2, §7.5: repeated breaches call for "investigation under the disciplinary policy".
    PromptRule("factor_repeated", (P.HR_INVESTIGATION,), "seed 002 §7.2, §7.5"),
    # seed 002 §5.6 "reported to ... their professional body"; §6.4 "a referral to professional
    # registration bodies".
    PromptRule("subject_registered", (P.REGULATOR,), "seed 002 §5.6, §6.4"),
    # seed 002 §7.5 "Serious Incident Report (SI)": harm, or high risk of it, to a child or adult at risk.
    PromptRule("high_risk_to_vulnerable", (P.SERIOUS_INCIDENT,), "seed 002 §7.5"),
    # seed 002 §5.6 "the Disclosure and Barring Service (DBS)": the duty arises when a child or adult at
    # risk may have been harmed and the worker may be dismissed or removed from the work.
    PromptRule("possible_removal_after_harm", (P.DBS,), "seed 002 §5.6"),
    # seed 002 §7.5 "Where a disciplinary investigation is deemed to be necessary the Human Resources
    # Department should be contacted immediately".
    PromptRule("hr_referred", (P.HR_INVESTIGATION,), "seed 002 §7.5"),
)


def _case_facts(*, case: Case, assessment: RiskAssessment | None, outcome: str | None) -> set[str]:
    from cases.models import Outcome

    facts: set[str] = set()
    if assessment is not None:
        facts |= {name for name in RiskAssessment.FACTOR_FIELDS if getattr(assessment, name)}
        band = risk_band_for(assessment.score)
        if assessment.factor_vulnerable and band is not None and band.is_high:
            facts.add("high_risk_to_vulnerable")
    if case.subjects.exclude(registration_body="").exists():
        facts.add("subject_registered")
    removal = case.hr_referred_at is not None or (outcome or case.outcome) == Outcome.DISCIPLINARY
    if removal and "factor_vulnerable" in facts:
        facts.add("possible_removal_after_harm")
    if case.hr_referred_at is not None:
        facts.add("hr_referred")
    return facts


def case_prompts_raised(*, case: Case, outcome: str | None = None) -> list[str]:
    """StatutoryPrompt codes the category and the current assessment raise, in StatutoryPrompt order.

    `outcome` lets case_close ask with the outcome being chosen (a disciplinary outcome can raise DBS).
    """
    raised = {code for code in (case.category.statutory_prompts or []) if code in StatutoryPrompt.values}
    facts = _case_facts(case=case, assessment=case_current_assessment(case=case), outcome=outcome)
    for rule in PROMPT_RULES:
        if rule.when in facts:
            raised |= set(rule.prompts)
    return [code for code in StatutoryPrompt.values if code in raised]


def case_prompts_unanswered(*, case: Case, outcome: str | None = None) -> list[str]:
    """Raised prompts with no answer yet."""
    answered = set(PromptAnswer.objects.filter(case=case).values_list("prompt", flat=True))
    return [code for code in case_prompts_raised(case=case, outcome=outcome) if code not in answered]


# ---------------------------------------------------------------- subject notices


def notice_list_for(user) -> QuerySet[SubjectNotice]:
    """The notices addressed to this user as the subject of a case: they see exactly `told`."""
    staff = _active_staff(user)
    if staff is None:
        return SubjectNotice.objects.none()
    return SubjectNotice.objects.filter(subject=staff).order_by("-told_date", "-pk")


# ---------------------------------------------------------------- readable history


@dataclass(frozen=True)
class HistoryLine:
    """One readable change: who, when, what, old → new."""

    at: datetime.datetime
    who: str
    what: str  # "Case", "Action: Training", …
    field: str  # the field's label, or "" for a record made
    old: str
    new: str
    reason: str


_HIDDEN_FIELDS = {"id", "version", "case", "review", "score", "residual_score"}


def _display(record, field_name: str) -> str:
    field = record.instance_type._meta.get_field(field_name)
    value = getattr(record, field.attname, None)
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        try:
            return str(getattr(record, field_name))
        except Exception:  # noqa: BLE001 - a row since deleted: show its id
            return f"#{value}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _lines_for(records, what) -> list[HistoryLine]:
    lines: list[HistoryLine] = []
    previous = {}
    for record in records:
        who = record.history_user.get_full_name() or record.history_user.username if record.history_user else "System"
        label = what(record)
        before = previous.get(record.id)
        reason = record.history_change_reason or ""
        if before is None:
            lines.append(HistoryLine(record.history_date, who, label, "", "", "recorded", reason))
        else:
            for change in record.diff_against(before).changes:
                if change.field in _HIDDEN_FIELDS:
                    continue
                field = record.instance_type._meta.get_field(change.field)
                lines.append(
                    HistoryLine(
                        record.history_date,
                        who,
                        label,
                        str(field.verbose_name).capitalize(),
                        _display(before, change.field),
                        _display(record, change.field),
                        reason,
                    )
                )
        previous[record.id] = record
    return lines


def case_history(*, case: Case) -> list[HistoryLine]:
    """Readable changes to a case and its assessments, actions, reviews, prompt answers and notices,
    oldest first; call only after case_list_for has allowed the case."""
    sources = [
        (case.history.all(), lambda r: "Case"),
        (RiskAssessment.history.filter(case_id=case.pk), lambda r: "Risk assessment"),
        (PromptAnswer.history.filter(case_id=case.pk), lambda r: f"Statutory prompt: {r.get_prompt_display()}"),
        (
            Action.history.filter(case_id=case.pk).select_related("template"),
            lambda r: f"Action: {r.template.title}",
        ),
        (Review.history.filter(case_id=case.pk), lambda r: "Review"),
        (
            ActionCheck.history.filter(review__case_id=case.pk).select_related("action__template"),
            lambda r: f"Review check: {r.action.template.title}",
        ),
        (SubjectNotice.history.filter(case_id=case.pk), lambda r: "Notice to the subject"),
    ]
    lines: list[HistoryLine] = []
    for records, what in sources:
        lines += _lines_for(records.select_related("history_user").order_by("history_date", "history_id"), what)
    return sorted(lines, key=lambda line: line.at)


# ---------------------------------------------------------------- reminders


@dataclass(frozen=True)
class DigestCounts:
    """How many things wait for one person today: numbers only (CP-07)."""

    acknowledgements_overdue: int = 0
    reviews_due: int = 0
    actions_due: int = 0
    policies_due: int = 0

    @property
    def case_total(self) -> int:
        return self.acknowledgements_overdue + self.reviews_due + self.actions_due

    @property
    def total(self) -> int:
        return self.case_total + self.policies_due


def digest_counts_for(*, user, today: datetime.date | None = None) -> DigestCounts:
    """The daily digest's numbers for one user, counted only over cases they may see."""
    today = today or timezone.localdate()
    staff = _active_staff(user)
    policies_due = 0
    if has_role(user, Role.ADMINISTRATOR):
        from policies.selectors import policy_versions_review_due

        policies_due = policy_versions_review_due(today=today).count()
    if staff is None:
        return DigestCounts(policies_due=policies_due)
    visible = case_list_for(user)
    mine = visible.filter(reviewer=staff)
    return DigestCounts(
        acknowledgements_overdue=mine.filter(status=Case.Status.NEW, acknowledge_by_date__lt=today).count(),
        reviews_due=mine.filter(status__in=Case.OPEN_STATUSES, next_review_date__lte=today).count(),
        actions_due=Action.objects.filter(
            owner=staff,
            status=Action.Status.OPEN,
            due_date__lte=today,
            case__in=visible.filter(status__in=Case.OPEN_STATUSES),
        ).count(),
        policies_due=policies_due,
    )


def digest_recipient_ids(*, today: datetime.date | None = None) -> set[int]:
    """Users who may have something in today's digest (each is then counted through case_list_for)."""
    from django.contrib.auth import get_user_model

    today = today or timezone.localdate()
    open_cases = Case.objects.filter(status__in=Case.OPEN_STATUSES)
    staff_ids = set(
        open_cases.filter(status=Case.Status.NEW, acknowledge_by_date__lt=today).values_list("reviewer", flat=True)
    )
    staff_ids |= set(open_cases.filter(next_review_date__lte=today).values_list("reviewer", flat=True))
    staff_ids |= set(
        Action.objects.filter(status=Action.Status.OPEN, due_date__lte=today, case__in=open_cases).values_list(
            "owner", flat=True
        )
    )
    staff_ids.discard(None)
    users = set(StaffMember.objects.filter(pk__in=staff_ids).values_list("user_id", flat=True))
    from policies.selectors import policy_versions_review_due

    if policy_versions_review_due(today=today).exists():
        users |= set(
            get_user_model()
            .objects.filter(is_active=True, groups__name=Role.ADMINISTRATOR.value)
            .values_list("pk", flat=True)
        )
    return users


def case_queue_for(user) -> QuerySet[Case]:
    """The review queue: case_list_for(user) with what the list page shows, in a fixed number of queries.

    Subqueries rather than joins, so the counts are not multiplied by case_list_for's joins.
    Urgent cases first, then high, then the oldest first. (Owned by the case pages, issue 4.)
    """
    from django.db import models
    from django.db.models.functions import Coalesce
    from django.utils import timezone

    from cases.models import Action, RiskAssessment
    from policies.models import Priority

    today = timezone.localdate()
    open_actions = Action.objects.filter(case=models.OuterRef("pk"), status=Action.Status.OPEN)
    overdue = open_actions.filter(due_date__lt=today).order_by().values("case").annotate(n=models.Count("pk"))
    latest = RiskAssessment.objects.filter(case=models.OuterRef("pk")).order_by("-assessed_at", "-pk")
    rank = models.Case(
        models.When(priority=Priority.URGENT, then=models.Value(0)),
        models.When(priority=Priority.HIGH, then=models.Value(1)),
        default=models.Value(2),
        output_field=models.IntegerField(),
    )
    return (
        case_list_for(user)
        .annotate(
            next_action_due=models.Subquery(open_actions.order_by("due_date").values("due_date")[:1]),
            overdue_actions=Coalesce(
                models.Subquery(overdue.values("n"), output_field=models.IntegerField()), models.Value(0)
            ),
            current_score=models.Subquery(latest.values("score")[:1]),
            priority_rank=rank,
        )
        .order_by("priority_rank", "opened_at", "pk")
    )


def digest_context(*, message) -> dict:
    """The daily digest's numbers for its recipient on its date, counted when the e-mail is rendered
    (registered with notifications in CasesConfig.ready()). Numbers and paths only (CP-07)."""
    counts = digest_counts_for(user=message.recipient, today=message.due_date)
    return {
        "acknowledgements_overdue": counts.acknowledgements_overdue,
        "reviews_due": counts.reviews_due,
        "actions_due": counts.actions_due,
        "policies_due": counts.policies_due,
        "case_total": counts.case_total,
        "cases_url": "/cases/",
        "policies_url": "/policies/reviews/",
    }
