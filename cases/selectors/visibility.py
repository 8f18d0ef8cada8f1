"""Which cases a user may see (DESIGN §6), and the queue built on it.

Every list, count, notification and export starts from case_list_for. The rules it keeps:
the subject and the reporter of a case never see it (AC-05); a restricted case is seen only by
the people it is restricted to (AC-06, seed 002 §10.4); a case the worker asked to keep between them and
their line manager is seen by the reviewer, whoever it was escalated to, HR once referred, and the
safeguarding lead only when a rule made it a safeguarding matter — never by overseeing senior managers
(seed 004 supervision); superusers and administrators see nothing (AC-07). docs/cases.md describes each rule.
"""

from __future__ import annotations

from contextvars import ContextVar

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
from core.cache import shared_data
from core.roles import Role, has_role
from people.models import Relationship, StaffMember, Team
from people.selectors import staff_for

# While a GET request is served, what case_list_for read about one person (the cases shared with and
# restricted to them, their close colleagues) is kept here, so a page that asks
# several times reads it once. A request that may write (POST) always reads afresh.
_request_memo: ContextVar[dict | None] = ContextVar("case_visibility_memo", default=None)


class VisibilityMemoMiddleware:
    """Keeps case_list_for's per-person reads for the length of one GET or HEAD request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        token = _request_memo.set({})
        try:
            return self.get_response(request)
        finally:
            _request_memo.reset(token)


def _memoised(key, read):
    memo = _request_memo.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]


def _team_and_below(team_id: int) -> set[int]:
    """The team and every team under it, from the team tree kept per process (core.cache)."""
    tree = shared_data("people.team_tree", lambda: list(Team.objects.values_list("pk", "parent_id")), models=[Team])
    children: dict[int, list[int]] = {}
    for pk, parent_id in tree:
        children.setdefault(parent_id, []).append(pk)
    found, level = {team_id}, [team_id]
    while level:
        level = [child for pk in level for child in children.get(pk, ()) if child not in found]
        found.update(level)
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

    One condition on the case table, without joins: every "may see" branch is a column the case
    has (reviewer, team, flags) or a short list of ids read first from an indexed link table
    (shared with me, restricted to me), so PostgreSQL combines index scans instead of reading the
    whole table; every "may never see" branch is a NOT IN over an indexed column (docs/performance.md).
    The queryset has no duplicate rows, so callers may annotate, count and order it freely.
    """
    staff = staff_for(user)
    if staff is None:
        return Case.objects.none()
    shared, restricted_to_me, conflicted = _memoised(("parts", staff.pk), lambda: _visibility_parts(staff))
    # The reviewer, and anyone the case was escalated to (shared_with).
    visible = Q(reviewer=staff) | Q(pk__in=shared)
    if has_role(user, Role.SAFEGUARDING_LEAD):
        # Safeguarding rules win over confidentiality: a safeguarding matter is the lead's to see.
        visible |= Q(is_safeguarding=True)
    if has_role(user, Role.SPEAK_UP_GUARDIAN):
        visible |= Q(is_speak_up=True)
    if has_role(user, Role.SENIOR_MANAGER):
        # Oversight, not review: a confidential case stays between the worker and their reviewer.
        visible |= Q(team__in=_team_and_below(staff.team_id), is_confidential=False)
    if has_role(user, Role.HR):
        # DESIGN §6: HR sees a case only once it is referred for disciplinary investigation.
        visible |= Q(hr_referred_at__isnull=False)
    cases = _without_conflicts(
        Case.objects.filter(visible), staff=staff, restricted_to_me=restricted_to_me, conflicted=conflicted
    )
    return cases.select_related("category", "reviewer__user", "team")


def _without_conflicts(
    cases: QuerySet[Case], *, staff: StaffMember, restricted_to_me: list[int], conflicted: set[int]
) -> QuerySet[Case]:
    """The exclusions every list applies whatever the role (AC-05, AC-06): a restricted case unless
    restricted to this person; a case about them or raised by them; a case about a close colleague
    unless they review it. Each is a NOT IN over an indexed column (docs/performance.md)."""
    subjects = Case.subjects.through.objects
    # cases never imports disclosures (DESIGN §2): the reporter is reached through the reverse relation.
    reported = Case._meta.get_field("disclosures").related_model.objects.filter(reporter=staff, case__isnull=False)
    cases = (
        cases.filter(Q(is_restricted=False) | Q(pk__in=restricted_to_me))
        .exclude(pk__in=subjects.filter(staffmember=staff).values("case_id"))
        .exclude(pk__in=reported.values("case_id"))
    )
    if conflicted:
        about_them = subjects.filter(staffmember__in=conflicted).values("case_id")
        cases = cases.exclude(Q(pk__in=about_them) & ~Q(reviewer=staff))
    return cases


def _visibility_parts(staff: StaffMember) -> tuple[list[int], list[int], set[int]]:
    """The cases shared with and restricted to this person, and their close colleagues."""
    shared = Case.shared_with.through.objects.filter(staffmember=staff).annotate(restricted=models.Value(False))
    restricted = Case.restricted_to.through.objects.filter(staffmember=staff).annotate(restricted=models.Value(True))
    rows = shared.values_list("restricted", "case_id").union(restricted.values_list("restricted", "case_id"), all=True)
    rows = list(rows)
    return (
        [case_id for is_restricted, case_id in rows if not is_restricted],
        [case_id for is_restricted, case_id in rows if is_restricted],
        staff_close_colleagues(staff=staff),
    )


def case_lessons_list_for(user) -> QuerySet[Case]:
    """Closed cases whose lessons this safeguarding lead may review for training (docs/reporting.md).

    The review covers the whole organisation's closed cases, so the scope is wider than the lead's
    queue, but the same exclusions as every other list apply (_without_conflicts): never a case about
    the lead, raised by them or about a close colleague; no restricted or confidential case at all, since
    its content stays with the people in it; and a speak-up case only for a lead who is also the speak-up
    guardian. Case content: the caller audits the read.
    """
    staff = staff_for(user)
    if staff is None or not has_role(user, Role.SAFEGUARDING_LEAD):
        return Case.objects.none()
    closed = Case.objects.filter(status=Case.Status.CLOSED, is_restricted=False, is_confidential=False).exclude(
        lessons=""
    )
    if not has_role(user, Role.SPEAK_UP_GUARDIAN):
        closed = closed.filter(is_speak_up=False)  # DESIGN §6: speak-up cases are the guardian's alone
    _shared, restricted_to_me, conflicted = _memoised(("parts", staff.pk), lambda: _visibility_parts(staff))
    return _without_conflicts(closed, staff=staff, restricted_to_me=restricted_to_me, conflicted=conflicted)


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
    rank = Case.priority_rank()
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
