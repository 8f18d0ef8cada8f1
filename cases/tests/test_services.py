"""Case-level services and selectors: references, deadlines, who sees a routed case."""

import datetime

import pytest

from cases.models import Case, SubjectNotice
from cases.permissions import ALLOWED_TRANSITIONS
from cases.selectors import case_list_for
from cases.services import reference_next, working_days_after
from disclosures.tests.factories import disclosure_file
from policies.models import DisclosureKind


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        ("2026-11-23", 1, "2026-11-24"),  # Monday -> Tuesday
        ("2026-11-20", 1, "2026-11-23"),  # Friday -> Monday
        ("2026-11-21", 1, "2026-11-23"),  # Saturday -> Monday
        ("2026-11-23", 5, "2026-11-30"),  # Monday -> next Monday
    ],
)
def test_deadlines_count_working_days(start, days, expected):
    assert working_days_after(datetime.date.fromisoformat(start), days) == datetime.date.fromisoformat(expected)


def test_references_restart_each_year(db):
    assert reference_next(prefix="C", year=2091) == "C-2091-00001"
    assert reference_next(prefix="C", year=2091) == "C-2091-00002"
    assert reference_next(prefix="C", year=2092) == "C-2092-00001"
    assert reference_next(prefix="D", year=2091) == "D-2091-00001"


def test_references_carry_on_from_the_counter_a_database_already_has(db):
    from cases.models import ReferenceSequence

    ReferenceSequence.objects.create(prefix="C", year=2093, last=41)
    assert reference_next(prefix="C", year=2093) == "C-2093-00042"


def test_the_reviewer_sees_the_case_and_the_subject_and_other_teams_do_not(org):
    """AC-05: the subject of a concern never sees the case; another team's manager gets nothing."""
    case = disclosure_file(
        reporter=org.worker, kind=DisclosureKind.CONCERN, category_code="discrimination", subjects=[org.colleague]
    ).case
    assert list(case_list_for(org.manager.user)) == [case]
    assert list(case_list_for(org.senior.user)) == [case]  # their team, not restricted
    for outsider in (org.colleague, org.worker, org.other_manager, org.hr, org.guardian):
        assert not case_list_for(outsider.user).exists(), outsider
    for user in (org.committee, org.auditor, org.administrator, org.superuser):
        assert not case_list_for(user).exists()


def test_a_restricted_case_is_seen_by_its_reviewer_only(org):
    """AC-06: not the colleague named in it, not the senior manager, not the safeguarding lead."""
    case = disclosure_file(
        reporter=org.worker, category_code="relationship-between-workers", subjects=[org.colleague]
    ).case
    assert case.is_restricted
    assert list(case_list_for(org.manager.user)) == [case]
    for other in (org.worker, org.colleague, org.senior, org.safeguarding, org.guardian):
        assert not case_list_for(other.user).exists(), other


def test_safeguarding_leads_see_safeguarding_cases_and_guardians_see_speak_up_cases(org):
    safeguarding = disclosure_file(reporter=org.worker, category_code="sexual-boundaries").case
    speak_up = disclosure_file(
        reporter=org.worker,
        kind=DisclosureKind.CONCERN,
        category_code="discrimination",
        subjects=[org.colleague],
        speak_up=True,
    ).case
    assert set(case_list_for(org.safeguarding.user)) == {safeguarding}
    assert set(case_list_for(org.guardian.user)) == {speak_up}


def test_a_case_cannot_jump_from_new_to_monitoring():
    assert Case.Status.FACT_FINDING in ALLOWED_TRANSITIONS[Case.Status.NEW]
    assert Case.Status.MONITORING not in ALLOWED_TRANSITIONS[Case.Status.NEW]


# DESIGN §4, written out: the status moves the table of moves must allow, and no others.
DESIGN_TRANSITIONS = {
    Case.Status.NEW: {Case.Status.FACT_FINDING, Case.Status.CLOSURE_REVIEW, Case.Status.CLOSED},
    Case.Status.FACT_FINDING: {Case.Status.ACTION_PLAN, Case.Status.CLOSURE_REVIEW, Case.Status.CLOSED},
    Case.Status.ACTION_PLAN: {Case.Status.MONITORING, Case.Status.CLOSURE_REVIEW, Case.Status.CLOSED},
    Case.Status.MONITORING: {Case.Status.ACTION_PLAN, Case.Status.CLOSURE_REVIEW, Case.Status.CLOSED},
    Case.Status.CLOSURE_REVIEW: {Case.Status.CLOSED, Case.Status.FACT_FINDING},
    Case.Status.CLOSED: {Case.Status.FACT_FINDING},
}


def test_the_table_of_moves_allows_exactly_the_status_moves_of_the_design():
    assert {status: set(targets) for status, targets in ALLOWED_TRANSITIONS.items()} == DESIGN_TRANSITIONS


# =============================================================================================
# The review workflow, through the services (docs/cases.md).
# =============================================================================================

import itertools  # noqa: E402

from django.core import mail  # noqa: E402
from django.utils import timezone  # noqa: E402

from cases import services  # noqa: E402
from cases.models import Action, ActionCheck, ActionTemplate, Outcome, PromptAnswer, TimelineEntry  # noqa: E402
from cases.selectors import case_history, case_prompts_raised, notice_list_for  # noqa: E402
from cases.tests.factories import (  # noqa: E402
    answer_all_prompts,
    assess,
    close,
    concern_case,
    drive_to,
    gift_case,
    template,
)
from notifications.models import OutboxMessage  # noqa: E402
from people.models import Relationship  # noqa: E402
from people.services import staff_save, staff_set_line_manager  # noqa: E402
from people.tests.factories import RelationshipFactory, ServiceUserFactory, StaffMemberFactory  # noqa: E402
from policies.models import BoundaryCategory, StatutoryPrompt  # noqa: E402

S = Case.Status
TODAY = timezone.localdate
IN_A_MONTH = datetime.timedelta(days=28)


def _codes(case):
    return list(case.timeline.values_list("code", flat=True))


# ---------------------------------------------------------------- every move in the table

# The service that makes each move, and what a case needs first so that only the table decides.
MOVES = {
    S.NEW: (),  # no service moves a case back to NEW
    S.FACT_FINDING: ("acknowledge", "send_back", "reopen"),
    S.ACTION_PLAN: ("start_action_plan",),
    S.MONITORING: ("start_monitoring",),
    S.CLOSURE_REVIEW: ("close",),
    S.CLOSED: ("close", "sign_off"),
}


def _attempt(name, case, org):
    reviewer = org.manager.user
    if name == "acknowledge":
        return services.case_acknowledge(case=case, actor=reviewer)
    if name == "start_action_plan":
        if case.is_open:
            assess(case, reviewer)
        return services.case_start_action_plan(case=case, actor=reviewer)
    if name == "start_monitoring":
        if case.is_open:
            services.case_set_review_date(case=case, actor=reviewer, next_review_date=TODAY() + IN_A_MONTH)
        return services.case_start_monitoring(case=case, actor=reviewer)
    if name == "close":
        if case.is_open and case.status != S.CLOSURE_REVIEW:
            answer_all_prompts(case, reviewer)
        return services.case_close(
            case=case, actor=reviewer, outcome=Outcome.GUIDANCE, outcome_notes="n", summary_for_reporter="s"
        )
    if name == "sign_off":
        return services.case_sign_off(case=case, actor=org.senior.user)
    if name == "send_back":
        return services.case_send_back(case=case, actor=org.senior.user, reason="More to find out.")
    if name == "reopen":
        return services.case_reopen(case=case, actor=reviewer, reason="It happened again.")
    raise AssertionError(name)


@pytest.mark.parametrize(("start", "target"), [(a, b) for a, b in itertools.product(S.values, S.values) if a != b])
def test_every_move_in_the_table_is_made_and_every_other_move_is_refused(org, start, target):
    """DI-02, IN-06: only the table of moves moves a case; anything else is refused on the server."""
    # A physical-contact case is a safeguarding matter, so closing it needs a sign-off (CLOSURE_REVIEW).
    needs_sign_off = S.CLOSURE_REVIEW in (start, target)
    case = gift_case(org, category_code="physical-contact" if needs_sign_off else "gifts-money")
    case = drive_to(case, start, reviewer=org.manager.user, signer=org.senior.user)
    allowed = target in DESIGN_TRANSITIONS[start]
    outcomes = []
    for name in MOVES[target]:
        try:
            moved = _attempt(name, Case.objects.get(pk=case.pk), org)
        except services.CaseError as exc:
            outcomes.append((name, type(exc).__name__))
            continue
        outcomes.append((name, moved.status))
        if moved.status == target:
            break
    final = Case.objects.get(pk=case.pk).status
    if allowed:
        assert final == target, outcomes
    else:
        assert final == start, outcomes
        assert all(result in ("TransitionNotAllowed", "CaseError") for _, result in outcomes), outcomes


def test_acknowledging_twice_is_harmless(org):
    case = gift_case(org)
    first = services.case_acknowledge(case=case, actor=org.manager.user)
    again = services.case_acknowledge(case=case, actor=org.manager.user, expected_version=case.version)
    assert again.status == S.FACT_FINDING and again.version == first.version
    assert _codes(case).count(TimelineEntry.Code.STATUS_CHANGED) == 1


def test_a_move_writes_the_timeline_the_history_reason_and_an_audit_event(org):
    from audit.models import AuditEvent

    case = services.case_acknowledge(case=gift_case(org), actor=org.manager.user)
    assert case.acknowledged_at is not None
    assert case.history.first().history_change_reason == "cases.case.acknowledged"
    assert case.history.first().history_user == org.manager.user
    assert AuditEvent.objects.filter(action="cases.case.acknowledged", object_id=str(case.pk)).count() == 1
    assert TimelineEntry.Code.STATUS_CHANGED in _codes(case)


def test_only_the_reviewer_or_someone_it_was_shared_with_can_move_a_case(org):
    case = gift_case(org)
    for outsider in (org.worker, org.other_manager, org.senior, org.safeguarding):
        with pytest.raises(services.CaseError):
            services.case_acknowledge(case=case, actor=outsider.user)
    for user in (org.administrator, org.superuser):
        with pytest.raises(services.CaseError):
            services.case_acknowledge(case=case, actor=user)
    assert Case.objects.get(pk=case.pk).status == S.NEW


def test_a_reviewer_past_their_end_date_can_no_longer_act_and_is_not_routed_cases(org):
    """One meaning of "active": the end date counts for acting on a case as it does for routing."""
    case = gift_case(org)
    org.manager.end_date = TODAY() - datetime.timedelta(days=1)
    org.manager.save()
    with pytest.raises(services.CaseError, match="active member of staff"):
        services.case_acknowledge(case=case, actor=org.manager.user)
    assert gift_case(org).reviewer == org.senior


def test_a_case_is_reassigned_only_to_someone_who_reviews_cases(org):
    """The reviewing-role rule is the service's, not only the form's."""
    case = gift_case(org)
    with pytest.raises(services.CaseError, match="does not review cases"):
        services.case_reassign(case=case, actor=org.manager.user, reviewer=org.colleague, reason="Workload.")
    services.case_reassign(case=case, actor=org.manager.user, reviewer=org.other_manager, reason="Workload.")
    assert Case.objects.get(pk=case.pk).reviewer == org.other_manager


# ---------------------------------------------------------------- guards


def test_an_action_plan_needs_a_risk_assessment(org):
    case = services.case_acknowledge(case=gift_case(org), actor=org.manager.user)
    with pytest.raises(services.CaseError, match="risk assessment"):
        services.case_start_action_plan(case=case, actor=org.manager.user)
    assess(case, org.manager.user)
    assert services.case_start_action_plan(case=case, actor=org.manager.user).status == S.ACTION_PLAN


def test_monitoring_needs_a_next_review_date(org):
    case = drive_to(gift_case(org), S.ACTION_PLAN, reviewer=org.manager.user)
    with pytest.raises(services.CaseError, match="next be reviewed"):
        services.case_start_monitoring(case=case, actor=org.manager.user)


def test_a_review_date_in_the_past_is_refused(org):
    case = gift_case(org)
    with pytest.raises(services.CaseError, match="past"):
        services.case_set_review_date(
            case=case, actor=org.manager.user, next_review_date=TODAY() - datetime.timedelta(days=1)
        )


@pytest.mark.parametrize(
    ("outcome", "summary", "message"),
    [("", "Dealt with.", "Choose an outcome"), (Outcome.GUIDANCE, " ", "summary")],
)
def test_closing_needs_an_outcome_and_a_summary_for_the_reporter(org, outcome, summary, message):
    case = services.case_acknowledge(case=gift_case(org), actor=org.manager.user)
    answer_all_prompts(case, org.manager.user)
    with pytest.raises(services.CaseError, match=message):
        services.case_close(
            case=case, actor=org.manager.user, outcome=outcome, outcome_notes="", summary_for_reporter=summary
        )
    assert Case.objects.get(pk=case.pk).status == S.FACT_FINDING


def test_closing_needs_every_statutory_prompt_answered(org):
    case = concern_case(org)  # a worry about a colleague's discrimination raises the HR investigation prompt
    with pytest.raises(services.CaseError, match="statutory prompt"):
        services.case_close(
            case=case, actor=org.manager.user, outcome=Outcome.GUIDANCE, outcome_notes="", summary_for_reporter="s"
        )
    answer_all_prompts(case, org.manager.user)
    assert close(case, org.manager.user).status == S.CLOSED


def test_a_continuing_relationship_needs_an_arrangement_in_the_register_before_closing(org):
    service_user = ServiceUserFactory(team=org.north_a)
    case = gift_case(
        org,
        category_code="prior-relationship",
        service_users=[service_user],
        details={"kind": Relationship.Kind.FRIEND, "began": Relationship.Began.BEFORE},
    )
    assert case.relationship is not None and case.relationship.status == Relationship.Status.DECLARED
    with pytest.raises(services.CaseError, match="relationships register"):
        close(case, org.manager.user)
    relationship = services.case_record_arrangement(
        case=case,
        actor=org.manager.user,
        arrangement="Another worker supports them; reviewed in supervision.",
        next_review_date=TODAY() + IN_A_MONTH,
    )
    assert relationship.status == Relationship.Status.MANAGED
    assert close(case, org.manager.user).status == S.CLOSED


def test_a_relationship_that_ended_does_not_need_an_arrangement(org):
    case = gift_case(
        org,
        category_code="prior-relationship",
        service_users=[ServiceUserFactory(team=org.north_a)],
        details={"kind": Relationship.Kind.FRIEND, "began": Relationship.Began.BEFORE},
    )
    services.case_relationship_end(case=case, actor=org.manager.user, reason="They moved away.")
    assert close(case, org.manager.user).status == S.CLOSED


# ---------------------------------------------------------------- sign-off


@pytest.mark.parametrize("category_code", ["physical-contact", "sexual-boundaries"])
def test_safeguarding_and_sexual_boundary_cases_wait_for_a_second_person(org, category_code):
    case = gift_case(org, category_code=category_code)
    case = close(case, org.manager.user)
    assert case.status == S.CLOSURE_REVIEW and case.closed_at is None
    recipients = set(
        OutboxMessage.objects.filter(template=OutboxMessage.Template.CASE_SIGN_OFF).values_list("recipient", flat=True)
    )
    assert org.manager.user.pk not in recipients
    assert recipients <= {org.senior.user.pk, org.safeguarding.user.pk} and recipients


def test_a_high_risk_band_needs_a_sign_off_even_outside_safeguarding(org):
    case = gift_case(org)
    assess(case, org.manager.user, likelihood=4, consequence=4)  # 16: Extreme
    assert close(case, org.manager.user).status == S.CLOSURE_REVIEW


def test_the_reviewer_cannot_sign_off_their_own_case(org):
    """AC-05 spirit and DESIGN §4: a second person, never the reviewer."""
    case = close(gift_case(org, category_code="physical-contact"), org.manager.user)
    with pytest.raises(services.CaseError, match="someone else"):
        services.case_sign_off(case=case, actor=org.manager.user)
    for not_allowed in (org.worker, org.other_manager, org.hr):
        with pytest.raises(services.CaseError):
            services.case_sign_off(case=case, actor=not_allowed.user)
    assert Case.objects.get(pk=case.pk).status == S.CLOSURE_REVIEW


@pytest.mark.parametrize("signer", ["senior", "safeguarding"])
def test_a_senior_manager_or_safeguarding_lead_signs_off_and_the_reporter_is_told(org, signer):
    case = close(gift_case(org, category_code="physical-contact"), org.manager.user)
    mail.outbox.clear()
    case = services.case_sign_off(case=case, actor=getattr(org, signer).user)
    assert case.status == S.CLOSED and case.signed_off_by == getattr(org, signer)
    assert TimelineEntry.Code.SIGNED_OFF in _codes(case)
    closed = OutboxMessage.objects.get(template=OutboxMessage.Template.CASE_CLOSED)
    assert closed.recipient == org.worker.user


def test_sending_back_returns_the_case_to_fact_finding_with_the_reason(org):
    case = close(gift_case(org, category_code="physical-contact"), org.manager.user)
    case = services.case_send_back(case=case, actor=org.senior.user, reason="Speak to the family first.")
    assert case.status == S.FACT_FINDING
    assert "Speak to the family first." in case.timeline.last().text


def test_reopening_needs_a_reason_and_clears_the_outcome(org):
    case = close(gift_case(org), org.manager.user)
    with pytest.raises(services.CaseError):
        services.case_reopen(case=case, actor=org.manager.user, reason="")
    case = services.case_reopen(case=case, actor=org.manager.user, reason="It happened again.")
    assert case.status == S.FACT_FINDING and case.outcome == "" and case.closed_at is None


# ---------------------------------------------------------------- optimistic locking


def test_a_stale_version_is_refused_and_nothing_changes(org):
    """DI-01: two managers edit at once; the second save is refused, not lost."""
    case = gift_case(org)
    seen = case.version
    services.case_note_add(case=case, actor=org.manager.user, text="First.", expected_version=seen)
    with pytest.raises(services.CaseConflict, match="Someone else changed this case"):
        services.case_set_review_date(
            case=case, actor=org.manager.user, next_review_date=TODAY() + IN_A_MONTH, expected_version=seen
        )
    assert Case.objects.get(pk=case.pk).next_review_date is None


def test_every_change_raises_the_version(org):
    case = gift_case(org)
    before = Case.objects.get(pk=case.pk).version
    assess(case, org.manager.user)
    services.case_note_add(case=case, actor=org.manager.user, text="n")
    assert Case.objects.get(pk=case.pk).version == before + 2


# ---------------------------------------------------------------- risk assessment


def test_a_change_of_band_is_on_the_timeline(org):
    case = gift_case(org)
    assess(case, org.manager.user, likelihood=1, consequence=2)  # 2: Low
    assess(case, org.manager.user, likelihood=1, consequence=3)  # 3: still Low
    assert TimelineEntry.Code.BAND_CHANGED not in _codes(case)
    assess(case, org.manager.user, likelihood=3, consequence=4)  # 12: High
    entry = case.timeline.filter(code=TimelineEntry.Code.BAND_CHANGED).get()
    assert entry.text == "Risk band changed from Low to High."
    assert case.assessments.count() == 3


def test_the_latest_assessment_is_current(org):
    from cases.selectors import case_current_assessment

    case = gift_case(org)
    assess(case, org.manager.user, likelihood=5, consequence=5)
    latest = assess(case, org.manager.user, likelihood=1, consequence=1)
    assert case_current_assessment(case=case) == latest


@pytest.mark.parametrize("bad", [0, 6, "x", None])
def test_scores_outside_one_to_five_are_refused(org, bad):
    with pytest.raises(services.CaseError, match="1 to 5"):
        services.case_assess(
            case=gift_case(org),
            actor=org.manager.user,
            likelihood=bad,
            consequence=2,
            residual_likelihood=1,
            residual_consequence=1,
        )


def test_an_unknown_factor_is_refused(org):
    with pytest.raises(services.CaseError, match="Unknown risk factor"):
        assess(gift_case(org), org.manager.user, made_up=True)


# ---------------------------------------------------------------- statutory prompts


def test_prompts_come_out_in_one_stable_order_for_every_category(org):
    """Iterates the seeded taxonomy with a member of staff concerned: whatever the rules raise is listed in
    StatutoryPrompt order, and the categories the seeds single out raise their prompts."""
    categories = list(BoundaryCategory.objects.filter(is_active=True))
    assert len(categories) >= 20
    raised_by = {}
    for category in categories:
        case = Case(category=category, team=org.north_a, acknowledge_by_date=TODAY(), reference=f"T-{category.pk}")
        case.save()
        case.subjects.add(org.worker)  # a member of staff whose conduct is in question
        raised = case_prompts_raised(case=case)
        assert raised == [c for c in StatutoryPrompt.values if c in raised]  # in a stable order
        raised_by[category.code] = set(raised)
    assert {StatutoryPrompt.SAFEGUARDING_REFERRAL, StatutoryPrompt.POLICE} <= raised_by["sexual-boundaries"]
    assert StatutoryPrompt.SAFEGUARDING_REFERRAL in raised_by["physical-contact"]
    assert raised_by["contact-outside-work"] == set()


@pytest.mark.parametrize(
    ("factors", "expected"),
    [
        # A self-declaration: LADO/PiPoT is for a worry or an incident about a member of staff, not this.
        ({"vulnerable": True}, {StatutoryPrompt.SAFEGUARDING_REFERRAL}),
        ({"sexual": True}, {StatutoryPrompt.POLICE, StatutoryPrompt.SAFEGUARDING_REFERRAL}),
        ({"financial": True}, {StatutoryPrompt.SAFEGUARDING_REFERRAL}),
        ({"repeated": True}, {StatutoryPrompt.HR_INVESTIGATION}),
    ],
)
def test_risk_factors_raise_their_statutory_prompts(org, factors, expected):
    case = gift_case(org, category_code="contact-outside-work")  # raises nothing by itself
    assert case_prompts_raised(case=case) == []
    assess(case, org.manager.user, **factors)
    assert set(case_prompts_raised(case=case)) == expected


def test_a_registered_professional_raises_the_regulator_prompt_at_a_high_risk_and_nobody_else_does(org):
    case = gift_case(org, category_code="contact-outside-work")
    assess(case, org.manager.user, likelihood=4, consequence=4)  # "Extreme": a high band
    assert StatutoryPrompt.REGULATOR not in case_prompts_raised(case=case)  # not registered
    org.worker.registration_body = "nmc"
    org.worker.save()
    assert StatutoryPrompt.REGULATOR in case_prompts_raised(case=case)


def test_harm_to_an_adult_at_risk_with_a_possible_dismissal_raises_the_dbs_duty(org):
    """seed 002 §5.6: DBS when a child or adult at risk may be harmed and the worker may be removed."""
    case = gift_case(org, category_code="contact-outside-work")
    assess(case, org.manager.user, vulnerable=True)
    assert StatutoryPrompt.DBS not in case_prompts_raised(case=case)
    assert StatutoryPrompt.DBS in case_prompts_raised(case=case, outcome=Outcome.DISCIPLINARY)
    services.action_add(case=case, actor=org.manager.user, template=_hr_template(), owner=org.manager)
    case.refresh_from_db()
    assert StatutoryPrompt.DBS in case_prompts_raised(case=case)


def _hr_template():
    return ActionTemplate.objects.get(refers_to=StatutoryPrompt.HR_INVESTIGATION)


def test_a_prompt_answer_says_yes_or_no_why_when_and_who(org):
    case = gift_case(org)
    answer = services.prompt_answer(
        case=case, actor=org.manager.user, prompt=StatutoryPrompt.POLICE, referral_made=False, reason="No offence."
    )
    assert (answer.referral_made, answer.reason, answer.answered_by, answer.answered_date) == (
        False,
        "No offence.",
        org.manager,
        TODAY(),
    )
    again = services.prompt_answer(
        case=case, actor=org.manager.user, prompt=StatutoryPrompt.POLICE, referral_made=True, reason="New facts."
    )
    assert again.pk == answer.pk and PromptAnswer.objects.filter(case=case).count() == 1
    with pytest.raises(services.CaseError, match="why"):
        services.prompt_answer(
            case=case, actor=org.manager.user, prompt=StatutoryPrompt.POLICE, referral_made=True, reason=" "
        )


# ---------------------------------------------------------------- actions and reviews


def test_an_action_from_the_library_has_an_owner_and_a_default_due_date(org):
    case = gift_case(org)
    action = services.action_add(case=case, actor=org.manager.user, template=template("gift-return"), owner=org.worker)
    assert action.due_date == TODAY() + datetime.timedelta(days=7)
    assert action.status == Action.Status.OPEN and action.created_by == org.manager
    done = services.action_set_status(action=action, actor=org.manager.user, status=Action.Status.DONE)
    assert done.completed_at is not None
    assert _codes(case)[-2:] == [TimelineEntry.Code.ACTION_ADDED, TimelineEntry.Code.ACTION_UPDATED]


def test_an_hr_referral_action_lets_hr_see_the_case_and_answers_its_prompt(org):
    from cases.selectors import case_list_for

    case = concern_case(org)
    hr_template = _hr_template()
    assert not case_list_for(org.hr.user).exists()
    services.action_add(case=case, actor=org.manager.user, template=hr_template, owner=org.manager)
    case.refresh_from_db()
    assert case.hr_referred_at is not None
    assert list(case_list_for(org.hr.user)) == [case]
    assert PromptAnswer.objects.get(case=case, prompt=StatutoryPrompt.HR_INVESTIGATION).referral_made


def test_a_review_checks_each_action_and_cancels_what_is_no_longer_needed(org):
    case = drive_to(gift_case(org), S.MONITORING, reviewer=org.manager.user)
    keep = services.action_add(case=case, actor=org.manager.user, template=template("supervision"), owner=org.manager)
    drop = services.action_add(case=case, actor=org.manager.user, template=template("gift-return"), owner=org.worker)
    review = services.review_record(
        case=case,
        actor=org.manager.user,
        notes="Arrangements holding.",
        next_review_date=TODAY() + IN_A_MONTH,
        checks=[
            {"action": keep, "still_needed": True, "working": ActionCheck.Working.YES, "note": ""},
            {"action": drop, "still_needed": False, "working": ActionCheck.Working.YES, "note": "Returned."},
        ],
    )
    assert review.action_checks.count() == 2
    assert Action.objects.get(pk=drop.pk).status == Action.Status.CANCELLED
    assert Action.objects.get(pk=keep.pk).status == Action.Status.OPEN
    assert Case.objects.get(pk=case.pk).next_review_date == TODAY() + IN_A_MONTH
    assert TimelineEntry.Code.REVIEWED in _codes(case)


def test_a_case_in_monitoring_keeps_a_next_review_date(org):
    case = drive_to(gift_case(org), S.MONITORING, reviewer=org.manager.user)
    with pytest.raises(services.CaseError, match="next review"):
        services.review_record(case=case, actor=org.manager.user, notes="n", next_review_date=None, checks=[])


def test_reassigning_a_key_worker_goes_through_the_conflict_check(org):
    """seed 000 §4.2: a worker with a declared relationship cannot become the key worker."""
    service_user = ServiceUserFactory(team=org.north_a)
    case = gift_case(org, service_users=[service_user])
    RelationshipFactory(staff=org.colleague, service_user=service_user)
    with pytest.raises(services.CaseError, match="cannot be key worker"):
        services.case_reassign_key_worker(
            case=case, actor=org.manager.user, service_user=service_user, new_key_worker=org.colleague
        )
    other = StaffMemberFactory(team=org.north_a)
    services.case_reassign_key_worker(
        case=case, actor=org.manager.user, service_user=service_user, new_key_worker=other
    )
    assert service_user.assignments.get(end_date__isnull=True).staff == other


# ---------------------------------------------------------------- the subject's side


def test_the_subject_sees_exactly_what_they_were_told_and_can_reply(org):
    case = concern_case(org)
    notice = services.subject_notice_record(
        case=case, actor=org.manager.user, subject=org.colleague, told="A concern about a gift was raised."
    )
    assert list(notice_list_for(org.colleague.user)) == [notice]
    assert not notice_list_for(org.worker.user).exists()
    assert OutboxMessage.objects.filter(
        template=OutboxMessage.Template.SUBJECT_NOTICE, recipient=org.colleague.user
    ).exists()
    with pytest.raises(services.CaseError):
        services.subject_notice_reply(notice=notice, actor=org.worker.user, response="Not me.")
    services.subject_notice_reply(notice=notice, actor=org.colleague.user, response="I returned it.")
    assert case.timeline.last().code == TimelineEntry.Code.SUBJECT_REPLIED
    assert OutboxMessage.objects.filter(
        template=OutboxMessage.Template.SUBJECT_REPLIED, recipient=org.manager.user
    ).exists()


def test_a_notice_naming_anyone_in_the_organisation_is_refused_alike_until_the_names_are_checked(org):
    """DESIGN §6, AC-05: the subject never learns who raised the concern. The check warns about every
    colleague's name the same way, so it cannot confirm a guess at the reporter (no oracle)."""
    case = concern_case(org)  # the worker raised it about the colleague
    refusals = {}
    for person in (org.worker, org.hr, org.senior):  # the reporter, and two who had nothing to do with it
        with pytest.raises(services.CaseError) as refused:
            services.subject_notice_record(
                case=case, actor=org.manager.user, subject=org.colleague, told=f"{person.full_name} told us."
            )
        refusals[person.pk] = str(refused.value).replace(person.full_name, "NAME")
    assert len(set(refusals.values())) == 1  # word for word the same, whoever was named
    assert "raised" in refusals[org.worker.pk] and "reporter" not in refusals[org.worker.pk]
    assert not SubjectNotice.objects.exists()
    with pytest.raises(services.CaseError, match="not the person concerned"):
        services.subject_notice_record(case=case, actor=org.manager.user, subject=org.worker, told="Hello.")
    notice = services.subject_notice_record(
        case=case,
        actor=org.manager.user,
        subject=org.colleague,
        told=f"{org.hr.full_name} from HR will contact you.",
        names_checked=True,
    )
    assert notice.told.startswith(org.hr.full_name)


def test_the_notice_check_takes_whole_names_not_usernames_or_parts_of_words(org):
    """No false alarm on the reporter's username ("a support worker" when the username is worker), on the
    subject's own name, or on a name inside a longer word."""
    case = concern_case(org)
    org.hr.user.first_name, org.hr.user.last_name = "Ann", "Lee"
    org.hr.user.save()
    for harmless in (
        "A support worker raised a concern about gifts.",
        f"Dear {org.colleague.full_name}, a concern was raised.",
        "Our planner Joann Leeson will book a meeting.",
        f"{org.worker.user.username} {org.hr.user.username}",
    ):
        services.subject_notice_record(case=case, actor=org.manager.user, subject=org.colleague, told=harmless)
    for named in ("ann lee said so", "Ann  Lee, HR.", "(Ann Lee)"):
        with pytest.raises(services.CaseError, match="names Ann Lee"):
            services.subject_notice_record(case=case, actor=org.manager.user, subject=org.colleague, told=named)


# ---------------------------------------------------------------- escalation and reassignment


def test_a_case_cannot_be_reassigned_to_its_subject_or_reporter(org):
    """AC-05 (e): assignment to the subject is rejected with a message and an audit event."""
    from audit.models import AuditEvent

    case = concern_case(org)
    for excluded, why in ((org.colleague, "subject"), (org.worker, "raised this concern")):
        with pytest.raises(services.CaseError, match=why):
            services.case_reassign(case=case, actor=org.senior.user, reviewer=excluded, reason="Cover.")
    assert AuditEvent.objects.filter(action="cases.case.reassign_refused").count() == 2
    assert Case.objects.get(pk=case.pk).reviewer == org.manager


def test_a_case_cannot_go_to_someone_with_a_close_relationship_with_the_subject(org):
    """DESIGN §5 / seed 002 §9.1: the exclusions routing uses apply to every reassignment."""
    case = concern_case(org)
    RelationshipFactory(
        staff=org.colleague,
        counterpart=Relationship.Counterpart.COLLEAGUE,
        colleague=org.other_manager,
        service_user=None,
        kind=Relationship.Kind.PARTNER,
    )
    with pytest.raises(services.CaseError, match="close relationship"):
        services.case_reassign(case=case, actor=org.manager.user, reviewer=org.other_manager, reason="Cover.")
    with pytest.raises(services.CaseError, match="close relationship"):
        services.case_escalate(case=case, actor=org.manager.user, to=org.other_manager, reason="r", reassign=False)


def test_reassigning_hands_the_case_over_and_tells_the_new_reviewer(org):
    case = concern_case(org)
    case = services.case_reassign(case=case, actor=org.manager.user, reviewer=org.other_manager, reason="Leave.")
    assert case.reviewer == org.other_manager
    assert "Leave." in case.timeline.last().text
    assert OutboxMessage.objects.filter(
        template=OutboxMessage.Template.CASE_ASSIGNED, recipient=org.other_manager.user
    ).exists()


def test_escalating_shares_the_case_and_the_timeline_says_who_and_why(org):
    from cases.selectors import case_list_for

    case = concern_case(org, category_code="contact-outside-work")
    assert not case_list_for(org.safeguarding.user).exists()
    services.case_escalate(
        case=case, actor=org.manager.user, to=org.safeguarding, reason="Possible grooming.", reassign=False
    )
    assert list(case_list_for(org.safeguarding.user)) == [case]
    entry = case.timeline.last()
    assert entry.code == TimelineEntry.Code.ESCALATED and org.safeguarding.full_name in entry.text
    assert Case.objects.get(pk=case.pk).reviewer == org.manager


def test_escalating_with_reassignment_makes_the_target_the_reviewer(org):
    case = concern_case(org)
    case = services.case_escalate(case=case, actor=org.manager.user, to=org.senior, reason="Serious.", reassign=True)
    assert case.reviewer == org.senior


def test_escalation_goes_only_to_a_manager_above_a_senior_manager_or_a_safeguarding_lead(org):
    with pytest.raises(services.CaseError, match="not someone a case can be escalated to"):
        services.case_escalate(case=concern_case(org), actor=org.manager.user, to=org.hr, reason="r", reassign=False)


# ---------------------------------------------------------------- re-routing


def test_when_the_reviewer_leaves_their_open_cases_are_rerouted_up_the_chain(org):
    open_case = gift_case(org)
    closed = close(gift_case(org, category_code="social-media"), org.manager.user)
    org.manager.is_active = False
    staff_save(staff=org.manager, actor=org.administrator)
    open_case.refresh_from_db()
    closed.refresh_from_db()
    assert open_case.reviewer == org.senior
    assert closed.reviewer == org.manager  # closed cases keep their history
    entry = open_case.timeline.filter(code=TimelineEntry.Code.REASSIGNED).get()
    assert "Re-routed" in entry.text and "no longer active" in entry.text


def test_when_the_subjects_line_manager_changes_the_case_follows_the_new_manager(org):
    """AC-05 (d): the discloser's manager changes after submission."""
    case = gift_case(org)
    staff_set_line_manager(staff=org.worker, manager=org.other_manager, actor=org.administrator)
    case.refresh_from_db()
    assert case.reviewer == org.other_manager
    assert "no longer the line manager" in case.timeline.filter(code=TimelineEntry.Code.REASSIGNED).get().text


def test_when_a_reviewer_comes_under_the_subject_the_case_moves_away(org):
    """AC-05 (f): the reviewer is now managed by the person the concern is about."""
    case = concern_case(org, subject=org.other_manager)  # reviewed by other_manager's chain: nobody → lead
    case = services.case_reassign(case=case, actor=case.reviewer.user, reviewer=org.manager, reason="Cover.")
    staff_set_line_manager(staff=org.manager, manager=org.other_manager, actor=org.administrator)
    case.refresh_from_db()
    assert case.reviewer != org.manager


def test_the_daily_sweep_reroutes_cases_of_reviewers_past_their_end_date(org):
    case = gift_case(org)
    org.manager.end_date = TODAY() - datetime.timedelta(days=1)
    org.manager.save()  # an end date recorded without the service: only the sweep notices
    moved = services.cases_reroute_leavers()
    assert [c.pk for c in moved] == [case.pk]
    assert Case.objects.get(pk=case.pk).reviewer == org.senior


# ---------------------------------------------------------------- history


def test_the_history_says_who_changed_what_from_what_to_what(org):
    case = gift_case(org)
    services.case_acknowledge(case=case, actor=org.manager.user)
    lines = case_history(case=case)
    status = [line for line in lines if line.what == "Case" and line.field == "Status"]
    assert status and (status[-1].old, status[-1].new) == ("New", "Fact-finding")
    assert status[-1].who == org.manager.user.get_full_name()


def test_people_never_imports_cases_the_rerouting_hook_is_a_signal():
    """DESIGN §2: dependencies point one way; people tells cases through people.signals.staff_changed."""
    import ast
    from pathlib import Path

    for path in Path(__file__).resolve().parents[2].joinpath("people").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not any(name == "cases" or name.startswith("cases.") for name in names), path
