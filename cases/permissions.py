"""Yes/no questions about cases, and the one table of moves (docs/cases.md "Who may do what").

Whether a case is visible at all is cases.selectors.case_list_for: nothing here grants more than
that selector, so a view gets 404 for an invisible case and 403 for a visible one the user may not
change.

Every move a user can make on a case is a row of MOVES: the statuses it may start from, the status
it leads to (None for the working moves that leave the status alone), who may make it, and the guard
the case itself must pass. `moves_for` answers "which moves may this user make on this case now" from
those rows alone; the page offers exactly those moves, and every service asks `move_refusal` before it
writes, so the page and the services cannot disagree (STYLE.md "One predicate per move").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.utils import timezone

from cases.models import Case, SubjectNotice, VariationDecision
from cases.roles import OVERSEER_ROLES, QUEUE_ROLES
from cases.selectors import action_list_for, case_gifts_undecided, case_is_visible_to, case_list_for, notice_list_for
from core.roles import holds_any
from people.selectors import staff_for
from policies.models import Part

S = Case.Status


class Who:
    """What the rules ask about one user and one case, each looked up at most once."""

    def __init__(self, user, case: Case):
        self.user, self.case = user, case
        self._guards: dict = {}

    def guard_message(self, guard) -> str | None:
        """A move's guard on this case (what the case still needs), asked once however many moves share it."""
        if guard not in self._guards:
            self._guards[guard] = guard(self.case)
        return self._guards[guard]

    @cached_property
    def staff(self):
        return staff_for(self.user)

    @cached_property
    def sees(self) -> bool:
        return self.staff is not None and case_is_visible_to(self.user, self.case)

    @cached_property
    def works_on(self) -> bool:
        """The reviewer, or someone the case was escalated to (shared with)."""
        staff, case = self.staff, self.case
        if staff is None:
            return False
        if case.reviewer_id != staff.pk and not case.shared_with.filter(pk=staff.pk).exists():
            return False
        return self.sees

    @cached_property
    def oversees(self) -> bool:
        """A senior manager or safeguarding lead who may see the case."""
        return self.staff is not None and holds_any(self.user, OVERSEER_ROLES) and self.sees

    @cached_property
    def signs_off(self) -> bool:
        """While a closure waits: an overseer who is not the reviewer and did not ask for it (DESIGN §4)."""
        case = self.case
        return (
            case.status == S.CLOSURE_REVIEW
            and self.staff is not None
            and self.staff.pk not in {case.reviewer_id, case.closure_requested_by_id}
            and self.oversees
        )


# ---------------------------------------------------------------- who may make a move


def _works_on(who: Who) -> bool:
    return who.works_on


def _works_on_or_oversees(who: Who) -> bool:
    return who.works_on or who.oversees


def _signs_off(who: Who) -> bool:
    return who.signs_off


def _works_on_or_signs_off(who: Who) -> bool:
    return who.works_on or who.signs_off


# ---------------------------------------------------------------- guards: what the case needs first


def _has_assessment(case: Case) -> str | None:
    return None if case.assessments.exists() else "Record a risk assessment before agreeing an action plan."


def _has_review_date(case: Case) -> str | None:
    if case.next_review_date is not None:
        return None
    return "Set the date the arrangements will next be reviewed before moving the case to monitoring."


def _names_service_user(case: Case) -> str | None:
    return None if case.service_users.exists() else "This case names no service user."


def _names_someone_concerned(case: Case) -> str | None:
    if case.involvements.filter(part=Part.CONCERNED, staff__isnull=False).exists():
        return None
    return "No member of staff is the person concerned in this case."


def _names_someone_harmed(case: Case) -> str | None:
    if case.involvements.filter(part=Part.HARMED, staff__isnull=False).exists():
        return None
    return "No member of staff is harmed or affected in this case."


def _variation_to_decide(case: Case) -> str | None:
    if case.activity_date is None or _decided(case):
        return "There is no plan waiting for a decision on this case."
    if case.activity_date < timezone.localdate():
        return "The date of the planned activity has passed: record what happened in a note instead."
    return None


def _decided(case: Case) -> bool:
    return VariationDecision.objects.filter(case=case).exists()


def _manages_relationship(case: Case) -> str | None:
    return None if case.relationship_id is not None else "This case has no entry in the relationships register."


def _relationship_continues(case: Case) -> str | None:
    refusal = _manages_relationship(case)
    if refusal is None and not case.relationship.is_open:
        return "The relationship is already recorded as ended."
    return refusal


def _has_undecided_gift(case: Case) -> str | None:
    """A gift over settings.GIFT_DECISION_THRESHOLD that the worker kept waits for a decision (seed 004 §1.2)."""
    return None if case_gifts_undecided(case=case) else "No gift on this case is waiting for a decision."


# ---------------------------------------------------------------- the table


WORKING = frozenset({S.NEW, S.FACT_FINDING, S.ACTION_PLAN, S.MONITORING})
OPEN = WORKING | {S.CLOSURE_REVIEW}
ANY = OPEN | {S.CLOSED}


@dataclass(frozen=True)
class Move:
    """One move: where it may start, where it leads, who may make it, and what the case needs first."""

    name: str
    sources: frozenset[str]
    targets: tuple[str, ...]  # empty: a working move that leaves the status alone
    who: Callable[[Who], bool]
    guard: Callable[[Case], str | None] | None = None
    refused: str | Callable[[Who], str] = "Only the reviewer, or someone the case was escalated to, can do this."
    hint: bool = False  # the guard names a next step, shown on the case page while it blocks the move


def _m(name, sources, targets=(), who=_works_on, guard=None, refused=None, hint=False) -> Move:
    return Move(name, frozenset(sources), tuple(targets), who, guard, refused or Move.refused, hint)


def _closer_refused(who: Who) -> str:
    if who.staff is not None and who.staff.pk in {who.case.reviewer_id, who.case.closure_requested_by_id}:
        return "You asked for this case to be closed, so someone else must sign it off."
    return "Only a senior manager or a safeguarding lead who may see the case can sign off its closure."


_CLOSER = _closer_refused
_OVERSEER = "Only the reviewer, or a senior manager or safeguarding lead who oversees the case, can do this."

MOVES: dict[str, Move] = {
    m.name: m
    for m in (
        # The workflow (DESIGN §4).
        _m("acknowledge", {S.NEW}, [S.FACT_FINDING]),
        _m("start_action_plan", {S.FACT_FINDING, S.MONITORING}, [S.ACTION_PLAN], guard=_has_assessment, hint=True),
        _m("start_monitoring", {S.ACTION_PLAN}, [S.MONITORING], guard=_has_review_date, hint=True),
        # High-risk, safeguarding and sexual-boundaries cases go to CLOSURE_REVIEW, the rest close at once.
        _m("close", WORKING, [S.CLOSURE_REVIEW, S.CLOSED]),
        _m("sign_off", {S.CLOSURE_REVIEW}, [S.CLOSED], who=_signs_off, refused=_CLOSER),
        _m("send_back", {S.CLOSURE_REVIEW}, [S.FACT_FINDING], who=_signs_off, refused=_CLOSER),
        _m("reopen", {S.CLOSED}, [S.FACT_FINDING], who=_works_on_or_oversees, refused=_OVERSEER),
        # Working moves. While a closure waits for sign-off the picture is frozen: the second person
        # signs off what the reviewer closed, or sends it back to be worked on.
        _m("set_review_date", WORKING),
        _m("assess", WORKING),
        _m("answer_prompt", WORKING),  # the raised prompts, or any statutory route the reviewer considers
        _m("add_action", WORKING),
        _m("update_action", WORKING),
        _m("record_review", {S.ACTION_PLAN, S.MONITORING}),  # seed 002 §10.3: reviews of agreed arrangements
        _m("record_notice", WORKING, guard=_names_someone_concerned),  # the person whose conduct is in question
        _m("record_support", WORKING, guard=_names_someone_harmed),  # the person harmed or affected
        _m("change_part", WORKING),
        _m("decide_variation", WORKING, guard=_variation_to_decide),  # seed 000 §5.7–5.8, before the date
        _m("change_key_worker", WORKING, guard=_names_service_user),
        _m("record_arrangement", WORKING, guard=_manages_relationship),
        _m("end_relationship", WORKING, guard=_relationship_continues),
        # A gift worth more than the threshold: keep for the team, return, donate or decline (docs/registers.md).
        _m("decide_gift", WORKING, guard=_has_undecided_gift),
        _m("escalate", OPEN),
        _m("reassign", OPEN, who=_works_on_or_oversees, refused=_OVERSEER),
        _m("note", ANY, who=_works_on_or_signs_off),
    )
}

# The status moves the table allows, derived from it (DESIGN §4 lists the same).
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    status: frozenset(t for m in MOVES.values() if status in m.sources for t in m.targets) for status in S.values
}


@dataclass(frozen=True)
class Refusal:
    """Why a move is not open: `status` (not from here), `who` (not this user) or `guard` (not yet)."""

    kind: str
    message: str


def move_refusal(user, case: Case, name: str, *, who: Who | None = None) -> Refusal | None:
    """Why this user may not make this move on this case now, or None when they may."""
    move = MOVES[name]
    who = who or Who(user, case)
    if case.status not in move.sources:
        return Refusal(
            "status",
            f"This cannot be done while the case is “{S(case.status).label}”. Reload the case to see where it is now.",
        )
    if not move.who(who):
        return Refusal("who", move.refused(who) if callable(move.refused) else move.refused)
    if move.guard is not None:
        message = who.guard_message(move.guard)
        if message:
            return Refusal("guard", message)
    return None


def moves_for(user, case: Case, *, who: Who | None = None) -> frozenset[str]:
    """The moves this user may make on this case now: the page offers exactly these."""
    who = who or Who(user, case)
    return frozenset(name for name in MOVES if move_refusal(user, case, name, who=who) is None)


def moves_waiting(user, case: Case, *, who: Who | None = None) -> dict[str, str]:
    """Moves this user could make from here but for a next step the case still needs: name → that step."""
    who = who or Who(user, case)
    waiting = {}
    for name, move in MOVES.items():
        if move.hint:
            refusal = move_refusal(user, case, name, who=who)
            if refusal is not None and refusal.kind == "guard":
                waiting[name] = refusal.message
    return waiting


# ---------------------------------------------------------------- single questions


def can_act_on_case(user, case: Case) -> bool:
    """May the user work on the case: the reviewer, or someone it was escalated to (shared with)?"""
    return Who(user, case).works_on


def can_sign_off_case(user, case: Case) -> bool:
    """May the user sign off this case's closure now (a second person; DESIGN §4)?"""
    return move_refusal(user, case, "sign_off") is None


def can_reply_to_notice(user, notice: SubjectNotice) -> bool:
    """Only the subject a notice is addressed to may reply to it."""
    staff = staff_for(user)
    return staff is not None and notice.subject_id == staff.pk


def can_open_case_queue(user) -> bool:
    """The queue is for the roles that review or oversee cases, and anyone a case is routed to."""
    if holds_any(user, QUEUE_ROLES):
        return True
    return staff_for(user) is not None and case_list_for(user).exists()


def can_see_notices(user) -> bool:
    """ "Notices about you" is for someone with a staff record who has been sent a notice."""
    return staff_for(user) is not None and notice_list_for(user).exists()


def can_see_my_actions(user) -> bool:
    """ "My actions" is for someone with a staff record who owns at least one action."""
    return action_list_for(user).exists()


def can_mark_action(user, action) -> bool:
    """Only the action's owner may mark it done or not possible (cases.services.action_owner_mark)."""
    staff = staff_for(user)
    return staff is not None and action.owner_id == staff.pk
