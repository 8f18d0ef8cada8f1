"""Who may take, see or be given a case: role holders, the conflict-of-interest exclusions (DESIGN §5;
AC-05), and the people a case may be escalated to. Routing, reassignment, escalation and sign-off all
ask these, so a person refused in one place is refused in all.
"""

from __future__ import annotations

from django.db.models import Count, Q

from cases.models import SPEAK_UP_REPORTER, Case
from cases.roles import OVERSEER_ROLES, QUEUE_ROLES
from cases.selectors.visibility import case_is_visible_to, case_list_for
from core.roles import Role, holds_any
from people.models import Relationship, StaffMember
from people.selectors import staff_for, staff_managers_above
from policies.models import BoundaryCategory, DisclosureKind


def role_holders(role: Role) -> list[StaffMember]:
    """Active staff holding a role, fewest open cases first, ties by pk."""
    return list(
        StaffMember.objects.active()
        .filter(user__groups__name=role.value)
        .annotate(open_cases=Count("cases_to_review", filter=~Q(cases_to_review__status=Case.Status.CLOSED)))
        .select_related("user")
        .order_by("open_cases", "pk")
        .distinct()
    )


def first_free_holder(role: Role, excluded: dict[int, str]) -> StaffMember | None:
    """The role holder with the fewest open cases who is not excluded."""
    for holder in role_holders(role):
        if holder.pk not in excluded:
            return holder
    return None


def exclusions_for(
    *, kind: str, category: BoundaryCategory, reporter: StaffMember, named: list[StaffMember], speak_up: bool
) -> dict[int, str]:
    """Everyone who may not review a case filed like this, with the reason in words (DESIGN §5; AC-05)."""
    reporter_label = SPEAK_UP_REPORTER if speak_up else reporter.full_name
    excluded: dict[int, str] = {}
    excluded[reporter.pk] = "raised this concern" if kind == DisclosureKind.CONCERN else "filed it"
    for staff in named:
        if staff.pk in excluded:
            continue
        if kind == DisclosureKind.CONCERN:
            excluded[staff.pk] = "is the subject of this concern"
        elif category.is_relationship:
            excluded[staff.pk] = "is a party to the relationship"
        else:
            excluded[staff.pk] = "is named as involved"
    # Anyone with an open declared close relationship with a subject or the reporter
    # (seed 002 §9.1: one party is not involved in management processes about the other).
    involved = {reporter.pk: reporter_label} | {s.pk: s.full_name for s in named}
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


def why_not_reviewer(staff: StaffMember, excluded: dict[int, str]) -> str | None:
    """Why this person may not review, in words ("is the subject of this concern"), or None if they may."""
    if staff.pk in excluded:
        return excluded[staff.pk]
    if not staff.is_active_on():
        return "is no longer active"
    return None


def cases_excluding(*, staff: StaffMember, case_ids) -> set[int]:
    """Of these cases, those this person may never review or see: case_exclusions' rule for one person
    over many cases in four queries (the reporters, the people named, the subjects, their close
    colleagues) instead of several per case. tests/ check both agree."""
    from cases.selectors.visibility import staff_close_colleagues

    disclosure_model = Case._meta.get_field("disclosures").related_model  # cases never imports disclosures
    people: dict[int, set[int]] = {}
    rows = [
        *disclosure_model.objects.filter(case_id__in=case_ids).values_list("case_id", "reporter_id"),
        *disclosure_model.subjects.through.objects.filter(disclosure__case_id__in=case_ids).values_list(
            "disclosure__case_id", "staffmember_id"
        ),
        *Case.subjects.through.objects.filter(case_id__in=case_ids).values_list("case_id", "staffmember_id"),
    ]
    for case_id, person in rows:
        people.setdefault(case_id, set()).add(person)
    close = staff_close_colleagues(staff=staff)
    return {case_id for case_id, involved in people.items() if staff.pk in involved or involved & close}


def case_exclusions(*, case: Case) -> dict[int, str]:
    """Everyone who may never review or see this case, and why (DESIGN §5; AC-05).

    The same exclusions_for routing uses, over every disclosure on the case, plus its subjects.
    """
    excluded: dict[int, str] = {}
    disclosures = case.disclosures.select_related("reporter__user").prefetch_related("subjects").order_by("pk")
    for disclosure in disclosures:
        found = exclusions_for(
            kind=disclosure.kind,
            category=case.category,
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
        for pk, why in exclusions_for(
            kind=DisclosureKind.SELF_DECLARATION,
            category=case.category,
            reporter=subjects[0],
            named=subjects[1:],
            speak_up=False,
        ).items():
            excluded.setdefault(pk, why)
    return excluded


def reviewer_refusal(*, case: Case, staff: StaffMember, consequence: str = "cannot take this case") -> str | None:
    """Why this person may not review (or be shown) this case, in words; None if they may.

    The reason follows the person's name ("Sam Reed is the subject of this concern, so they cannot
    take this case."), so every reason in exclusions_for reads as a sentence about one person.
    """
    why = why_not_reviewer(staff, case_exclusions(case=case))
    if not why:
        above = {m.pk: m for m in staff_managers_above(staff=staff)}
        if any(subject.pk in above for subject in case.subjects.all()):
            # AC-05: a concern never reaches someone the subject manages.
            why = "is managed by someone it is about"
    if why:
        return f"{staff.full_name} {why}, so they {consequence}."
    return None


def escalation_targets_for(*, case: Case, actor) -> list[StaffMember]:
    """Who the actor may escalate to (DESIGN §4): a manager above them, a senior manager or a safeguarding
    lead, leaving out anyone excluded from the case."""
    staff = staff_for(actor)
    if staff is None:
        return []
    candidates = {m.pk: m for m in staff_managers_above(staff=staff)}
    for role in OVERSEER_ROLES:
        candidates.update({h.pk: h for h in role_holders(role)})
    candidates.pop(staff.pk, None)
    return [c for c in candidates.values() if reviewer_refusal(case=case, staff=c) is None]


def sign_off_candidates(*, case: Case) -> list[StaffMember]:
    """Senior managers and safeguarding leads who may see the case and are not its reviewer."""
    people = {h.pk: h for role in OVERSEER_ROLES for h in role_holders(role)}
    blocked = {case.reviewer_id, case.closure_requested_by_id}
    return [p for p in people.values() if p.pk not in blocked and case_is_visible_to(p.user, case)]


def reviewer_cannot_act(*, case: Case, staff: StaffMember | None) -> str | None:
    """Why the case's reviewer cannot act on it, in words, or None if they can: nobody is reviewing it,
    they left (account off, record inactive, past their end date), they hold no role that reviews cases
    any more, or they are excluded from it (reviewer_refusal)."""
    if staff is None:
        return "Nobody is reviewing this case."
    why = why_not_reviewer(staff, case_exclusions(case=case))
    if why is None and reviewer_refusal(case=case, staff=staff) is not None:
        why = "is managed by someone the case is about"
    if why is None and not holds_any(staff.user, QUEUE_ROLES):
        why = "no longer holds a role that reviews cases"
    return f"{staff.full_name} {why}, so they cannot review it." if why else None


def case_list_reviewer_cannot_act(*, user) -> list[tuple[Case, str]]:
    """The safety net: open cases this user may see whose reviewer cannot act, each with the reason.
    Re-routing runs the moment someone leaves or loses a role, so this list should be empty."""
    cases = (
        case_list_for(user)
        .filter(status__in=Case.OPEN_STATUSES)
        .select_related("reviewer__user", "category")
        .order_by("opened_at", "pk")
    )
    found = []
    for case in cases:
        why = reviewer_cannot_act(case=case, staff=case.reviewer)
        if why:
            found.append((case, why))
    return found
