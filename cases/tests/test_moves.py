"""One predicate per move (STYLE.md "When an app grows"): for every persona, in every status, for every
move in cases.permissions.MOVES, the case page offers the move exactly when moves_for says so, and the
service that makes the move accepts it exactly then (DI-02, IN-06, AC-02).

The case: org.worker declares a prior relationship with a service user they now support (so the case
manages an entry in the relationships register), reviewed by org.manager. Before it moves on it is
assessed as extreme risk (so closing needs a second person's sign-off), its prompts are answered, an
action is agreed and the arrangement recorded, so that valid input meets no guard but the table's.
Each attempt runs in a savepoint that is rolled back, so every persona tries every move on the same case.
"""

import datetime

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Action, Case, GiftDecision, Outcome
from cases.permissions import MOVES, moves_for
from cases.selectors import case_gifts_undecided, escalation_targets_for
from cases.tests.factories import answer_all_prompts, assess, template
from cases.views import PAGES
from disclosures.tests.factories import disclosure_file
from people.tests.factories import ServiceUserFactory
from policies.models import Part, StatutoryPrompt

S = Case.Status
SOON = timezone.localdate() + datetime.timedelta(days=14)
PERSONAS = ("reviewer", "senior", "safeguarding", "other_manager", "worker", "colleague", "hr")


def _people(org) -> dict:
    return {
        "reviewer": org.manager,
        "senior": org.senior,  # oversees the case's team
        "safeguarding": org.safeguarding,  # not a safeguarding case: cannot see it
        "other_manager": org.other_manager,
        "worker": org.worker,  # filed it
        "colleague": org.colleague,
        "hr": org.hr,
    }


def _case_in(org, status: str) -> Case:
    """The case, built through the services and moved to `status`."""
    service_user = ServiceUserFactory(team=org.north_a)
    case = disclosure_file(
        reporter=org.worker,
        category_code="prior-relationship",
        service_users=[service_user],
        details={"kind": "friend", "began": "before", "since": ""},
        narrative="I knew this service user's family before they came to us.",
    ).case
    reviewer = org.manager.user
    assert case.reviewer == org.manager and case.relationship is not None
    assess(case, reviewer, likelihood=5, consequence=5)
    answer_all_prompts(case, reviewer)
    services.action_add(case=case, actor=reviewer, template=template("mentor"), owner=org.manager)
    services.case_record_arrangement(
        case=case, actor=reviewer, arrangement="Another worker supports them.", next_review_date=SOON
    )
    if status == S.NEW:
        return Case.objects.get(pk=case.pk)
    services.case_acknowledge(case=case, actor=reviewer)
    if status in (S.CLOSURE_REVIEW, S.CLOSED):
        _close(case, reviewer)
        if status == S.CLOSED:
            services.case_sign_off(case=case, actor=org.senior.user)
    elif status in (S.ACTION_PLAN, S.MONITORING):
        services.case_start_action_plan(case=case, actor=reviewer)
        if status == S.MONITORING:
            services.case_set_review_date(case=case, actor=reviewer, next_review_date=SOON)
            services.case_start_monitoring(case=case, actor=reviewer)
    case = Case.objects.get(pk=case.pk)
    assert case.status == status
    return case


def _close(case, actor):
    return services.case_close(
        case=case, actor=actor, outcome=Outcome.MANAGED_ARRANGEMENT, outcome_notes="n", summary_for_reporter="s"
    )


def _attempt(move: str, case: Case, user, org) -> None:
    """Make the move through its service with valid input; CaseError when refused."""
    action = case.actions.first()
    service_user = case.service_users.first()
    calls = {
        "acknowledge": lambda: services.case_acknowledge(case=case, actor=user),
        "start_action_plan": lambda: services.case_start_action_plan(case=case, actor=user),
        "start_monitoring": lambda: services.case_start_monitoring(case=case, actor=user),
        "close": lambda: _close(case, user),
        "sign_off": lambda: services.case_sign_off(case=case, actor=user),
        "send_back": lambda: services.case_send_back(case=case, actor=user, reason="More to find out."),
        "reopen": lambda: services.case_reopen(case=case, actor=user, reason="It happened again."),
        "set_review_date": lambda: services.case_set_review_date(case=case, actor=user, next_review_date=SOON),
        "assess": lambda: assess(case, user),
        "answer_prompt": lambda: services.prompt_answer(
            case=case, actor=user, prompt=StatutoryPrompt.POLICE, referral_made=False, reason="No offence."
        ),
        "add_action": lambda: services.action_add(
            case=case, actor=user, template=template("mentor"), owner=org.manager
        ),
        "update_action": lambda: services.action_set_status(action=action, actor=user, status=Action.Status.DONE),
        "record_review": lambda: services.review_record(
            case=case, actor=user, notes="Still working.", next_review_date=SOON
        ),
        "record_notice": lambda: services.subject_notice_record(
            case=case, actor=user, subject=org.worker, told="We talked about the arrangement."
        ),
        "change_key_worker": lambda: services.case_reassign_key_worker(
            case=case, actor=user, service_user=service_user, new_key_worker=org.colleague
        ),
        "record_arrangement": lambda: services.case_record_arrangement(
            case=case, actor=user, arrangement="Reviewed; unchanged.", next_review_date=SOON
        ),
        "end_relationship": lambda: services.case_relationship_end(
            case=case, actor=user, reason="The family moved away."
        ),
        "escalate": lambda: services.case_escalate(
            case=case,
            actor=user,
            to=services_targets(case, user, org),
            reason="A second view.",
            reassign=False,
        ),
        "reassign": lambda: services.case_reassign(
            case=case, actor=user, reviewer=org.other_manager, reason="Workload."
        ),
        "note": lambda: services.case_note_add(case=case, actor=user, text="Spoke to the worker."),
        "record_support": lambda: services.support_offered_record(
            case=case, actor=user, staff=org.worker, what="A debrief.", offered_by=org.manager
        ),
        "change_part": lambda: services.involvement_change_part(
            case=case,
            actor=user,
            involvement=case.involvements.exclude(part=Part.RAISED).first(),
            part=Part.HARMED,
            reason="Corrected.",
        ),
        "decide_variation": lambda: services.variation_decide(
            case=case, actor=user, decision="agreed", reason="A good plan."
        ),
        "decide_gift": lambda: services.case_gift_decide(
            case=case,
            actor=user,
            disclosure_reference=_first_gift(case),
            decision=GiftDecision.Decision.DONATE,
            note="Donated to the day centre's charity.",
        ),
    }
    assert set(calls) == set(MOVES), "every move in the table is tried here"
    calls[move]()


def _first_gift(case) -> str:
    """The reference of a gift on the case waiting for a decision, or of its first disclosure (then refused)."""
    waiting = case_gifts_undecided(case=case)
    return waiting[0].reference if waiting else case.disclosures.first().reference


def services_targets(case, user, org):
    """Someone the actor may escalate to: the first of their own targets, else the safeguarding lead."""
    targets = escalation_targets_for(case=case, actor=user)
    return targets[0] if targets else org.safeguarding


def _accepted(move: str, case: Case, user, org) -> bool:
    """Did the service make the move? A refusal raises CaseError; a repeated click (acknowledging a case
    already acknowledged) changes nothing and is not a move either."""
    try:
        with transaction.atomic():
            _attempt(move, Case.objects.get(pk=case.pk), user, org)
            changed = Case.objects.get(pk=case.pk).version != case.version
            transaction.set_rollback(True)
    except services.CaseError:
        return False
    return changed


def _offered_on_page(html: str, case: Case) -> set[str]:
    """The moves whose page the case page links to or posts to."""
    action = case.actions.first()
    offered = set()
    for name, page in PAGES.items():
        args = [case.pk, action.pk] if name == "action_status" else [case.pk]
        if reverse(f"cases:{name}", args=args) in html:
            offered.add(page.move)
    return offered


@pytest.mark.parametrize("status", S.values)
def test_the_page_offers_a_move_exactly_when_the_service_accepts_it(org, status):
    case = _case_in(org, status)
    people = _people(org)
    client = Client()
    for persona in PERSONAS:
        user = people[persona].user
        allowed = moves_for(user, case)
        client.force_login(user)
        response = client.get(reverse("cases:detail", args=[case.pk]))
        if response.status_code == 404:
            assert not allowed, (persona, status, allowed)
            shown = set()
        else:
            assert response.status_code == 200
            shown = _offered_on_page(response.content.decode(), case)
        for move in MOVES:
            accepted = _accepted(move, case, user, org)
            assert (move in allowed) == accepted, (persona, status, move, "table says", move in allowed)
            assert (move in shown) == (move in allowed), (persona, status, move, "page shows", move in shown)


def test_the_three_drifts_are_refused_by_the_services_too(org):
    """A review while fact-finding, a new assessment while the closure waits for sign-off, and a note by the
    person signing off (the page offered it, the service refused it; now the service accepts it)."""
    fact_finding = _case_in(org, S.FACT_FINDING)
    with pytest.raises(services.TransitionNotAllowed):
        services.review_record(case=fact_finding, actor=org.manager.user, notes="n", next_review_date=SOON)
    waiting = _case_in(org, S.CLOSURE_REVIEW)
    with pytest.raises(services.TransitionNotAllowed):
        assess(waiting, org.manager.user)
    entry = services.case_note_add(case=waiting, actor=org.senior.user, text="Checking the arrangement first.")
    assert entry.actor == org.senior.user
