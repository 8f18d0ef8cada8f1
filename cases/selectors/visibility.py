"""Which cases a user may see (DESIGN §6), and the queue built on it.

Every list, count, notification and export starts from case_list_for. The rules it keeps:
the subject and the reporter of a case never see it (AC-05); a restricted case is seen only by
the people it is restricted to (AC-06, seed 002 §10.4); a case the worker asked to keep between them and
their line manager is seen by the reviewer, whoever it was escalated to, HR once referred, and the
safeguarding lead only when a rule made it a safeguarding matter — never by overseeing senior managers
(seed 004 supervision); superusers and administrators see nothing (AC-07). docs/cases.md describes each rule.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from cases.models import (
    Action,
    Case,
    RiskAssessment,
    SubjectNotice,
    TimelineEntry,
)
from core.roles import Role, has_role
from people.models import Relationship, StaffMember, Team
from people.selectors import staff_for
from policies.models import Priority


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


def case_list_for(user) -> QuerySet[Case]:
    """Cases the user may see (DESIGN §6; AC-03, AC-05, AC-06, AC-07, AC-11).

    The visible ids are worked out in one subquery, so the queryset has no duplicate rows and
    callers may annotate, count and order it freely.
    """
    staff = staff_for(user)
    if staff is None:
        return Case.objects.none()
    # The reviewer, and anyone the case was escalated to (shared_with).
    visible = Q(reviewer=staff) | Q(shared_with=staff)
    if has_role(user, Role.SAFEGUARDING_LEAD):
        # Safeguarding rules win over confidentiality: a safeguarding matter is the lead's to see.
        visible |= Q(is_safeguarding=True)
    if has_role(user, Role.SPEAK_UP_GUARDIAN):
        visible |= Q(is_speak_up=True)
    if has_role(user, Role.SENIOR_MANAGER):
        # Oversight, not review: a confidential case stays between the worker and their reviewer.
        visible |= Q(team__in=_team_and_below(staff.team), is_confidential=False)
    if has_role(user, Role.HR):
        # DESIGN §6: HR sees a case only once it is referred for disciplinary investigation.
        visible |= Q(hr_referred_at__isnull=False)
    ids = _without_conflicts(Case.objects.filter(visible), staff=staff).values("pk")
    return Case.objects.filter(pk__in=ids).select_related("category", "reviewer__user", "team")


def _without_conflicts(cases: QuerySet[Case], *, staff: StaffMember) -> QuerySet[Case]:
    """The exclusions every list applies whatever the role (AC-05, AC-06): a restricted case unless
    restricted to this person; a case about them or raised by them; a case about a close colleague
    unless they review it."""
    conflicted = staff_close_colleagues(staff=staff)
    return (
        cases.filter(Q(is_restricted=False) | Q(restricted_to=staff))
        .exclude(subjects=staff)
        .exclude(disclosures__reporter=staff)
        .exclude(Q(subjects__in=conflicted) & ~Q(reviewer=staff))
    )


def case_lessons_list_for(user) -> QuerySet[Case]:
    """Closed cases whose lessons this safeguarding lead may review for training (docs/reporting.md).

    The review covers the whole organisation's closed cases, so the scope is wider than the lead's
    queue, but the same exclusions as every other list apply (_without_conflicts): never a case about
    the lead, raised by them or about a close colleague; no restricted or confidential case at all, since
    its content stays with the people in it; and a speak-up case only for a lead who is also the speak-up guardian.
    Case content: the caller audits the read.
    """
    staff = staff_for(user)
    if staff is None or not has_role(user, Role.SAFEGUARDING_LEAD):
        return Case.objects.none()
    closed = Case.objects.filter(status=Case.Status.CLOSED, is_restricted=False, is_confidential=False).exclude(
        lessons=""
    )
    if not has_role(user, Role.SPEAK_UP_GUARDIAN):
        closed = closed.filter(is_speak_up=False)  # DESIGN §6: speak-up cases are the guardian's alone
    ids = _without_conflicts(closed, staff=staff).values("pk")
    return Case.objects.filter(pk__in=ids)


def case_is_visible_to(user, case: Case) -> bool:
    """May this user see this case at all? The same rule as case_list_for."""
    return case_list_for(user).filter(pk=case.pk).exists()


def case_timeline(*, case: Case):
    """The case's timeline in order; call only after case_list_for has allowed the case."""
    return case.timeline.select_related("actor").order_by("at", "pk")


def case_who_can_see(*, case: Case):
    """What the worker who asked to keep a case between them and their line manager is told about who else can
    now see it (an escalation, a safeguarding rule, an HR referral), oldest first. Shown on their own disclosure
    page, so it says nothing else about the case."""
    return case.timeline.filter(code=TimelineEntry.Code.WHO_CAN_SEE).order_by("at", "pk")


def notice_list_for(user) -> QuerySet[SubjectNotice]:
    """The notices addressed to this user as the subject of a case: they see exactly `told`."""
    staff = staff_for(user)
    if staff is None:
        return SubjectNotice.objects.none()
    return SubjectNotice.objects.filter(subject=staff).order_by("-told_date", "-pk")


def case_queue_for(user) -> QuerySet[Case]:
    """The review queue: case_list_for(user) with what the list page shows, in a fixed number of queries.

    Subqueries rather than joins, so the counts are not multiplied by case_list_for's joins.
    Urgent cases first, then high, then the oldest first.
    """

    today = timezone.localdate()
    open_actions = Action.objects.filter(case=models.OuterRef("pk"), status=Action.Status.OPEN)
    overdue = (
        Action.objects.filter(Action.overdue_q(today), case=models.OuterRef("pk"))
        .order_by()
        .values("case")
        .annotate(n=models.Count("pk"))
    )
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
