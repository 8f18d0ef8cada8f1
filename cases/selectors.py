"""Which cases a user may see (DESIGN §6). Every list, count, notification and export starts here.

The next issue builds the review queue on top of case_list_for; the rules here are the
floor it must keep: the subject and the reporter of a case never see it (AC-05), and a
restricted case is seen only by the people it is restricted to (AC-06, seed 002 §10.4).
"""

from django.db.models import Q, QuerySet

from cases.models import Case
from people.models import Relationship, StaffMember, Team
from people.permissions import has_role
from people.roles import Role


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
    """Cases the user may see."""
    staff = getattr(user, "staff", None) if user.is_authenticated else None
    if staff is None or not staff.is_active or not user.is_active:
        return Case.objects.none()
    visible = Q(reviewer=staff)
    if has_role(user, Role.SAFEGUARDING_LEAD):
        visible |= Q(is_safeguarding=True)
    if has_role(user, Role.SPEAK_UP_GUARDIAN):
        visible |= Q(is_speak_up=True)
    if has_role(user, Role.SENIOR_MANAGER):
        visible |= Q(team__in=_team_and_below(staff.team))
    conflicted = staff_close_colleagues(staff=staff)
    return (
        Case.objects.filter(visible)
        .filter(Q(is_restricted=False) | Q(restricted_to=staff))
        .exclude(subjects=staff)
        .exclude(disclosures__reporter=staff)
        .exclude(Q(subjects__in=conflicted) & ~Q(reviewer=staff))
        .select_related("category", "reviewer__user", "team")
        .distinct()
    )


def case_get_for(user, pk: int) -> Case:
    """One case the user may see; raises Case.DoesNotExist otherwise (the view gives 404)."""
    return case_list_for(user).get(pk=pk)


def case_timeline(*, case: Case):
    """The case's timeline in order; call only after case_list_for has allowed the case."""
    return case.timeline.select_related("actor").order_by("at", "pk")


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
