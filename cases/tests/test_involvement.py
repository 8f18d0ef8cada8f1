"""The reviewer's whole picture: everyone involved and their part, what lies around a case, patterns across
cases, and variation requests decided before the date (docs/cases.md "People, patterns and plans")."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from audit.models import AuditEvent
from cases import services
from cases.models import Action, Case, Involvement, PatternAlert, TimelineEntry
from cases.permissions import moves_for
from cases.selectors import (
    case_around,
    case_list_for,
    case_patterns_for,
    case_people,
    case_prompts_raised,
    digest_counts_for,
)
from conftest import _staff
from disclosures.tests.factories import disclosure_file
from notifications.models import OutboxMessage
from people.tests.factories import CarerFactory, ServiceUserFactory
from policies.models import DisclosureKind, Part, StatutoryPrompt

TODAY = timezone.localdate


def _parts(case) -> set[tuple[str, str]]:
    labels = {}
    for i in case.involvements.select_related("staff__user", "service_user", "carer"):
        who = (
            i.staff.user.username
            if i.staff_id
            else (i.service_user.reference if i.service_user_id else i.carer.initials)
        )
        labels.setdefault((who, i.part), None)
    return set(labels)


def _harassed_by_a_carer(org, carer=None):
    """seed 001 "Sexualised behaviour": a service user's husband makes sexual comments to the worker."""
    carer = carer or CarerFactory(relationship_to_service_user="husband")
    return disclosure_file(
        reporter=org.worker,
        kind=DisclosureKind.INCIDENT,
        category_code="service-user-sexualised-behaviour",
        service_users=[carer.service_user],
        carers=[carer],
        narrative="He made sexual comments and asked me on a date.",
    ).case


# ---------------------------------------------------------------- parts


def test_a_worker_harassed_by_a_carer_is_harmed_and_the_carer_is_the_person_concerned(org):
    case = _harassed_by_a_carer(org)
    parts = _parts(case)
    assert ("worker", Part.RAISED) in parts and ("worker", Part.HARMED) in parts
    assert ("worker", Part.CONCERNED) not in parts
    carer = case.involvements.get(carer__isnull=False)
    assert carer.part == Part.CONCERNED
    # No disciplinary, regulator or DBS prompt against the person harmed.
    assert not set(case_prompts_raised(case=case)) & {StatutoryPrompt.HR_INVESTIGATION, StatutoryPrompt.REGULATOR}
    # She is offered support; nobody is "told" about a concern against her.
    moves = moves_for(org.manager.user, case)
    assert "record_support" in moves and "record_notice" not in moves
    with pytest.raises(services.CaseError, match="person concerned"):
        services.subject_notice_record(case=case, actor=org.manager.user, subject=org.worker, told="We spoke.")
    support = services.support_offered_record(
        case=case,
        actor=org.manager.user,
        staff=org.worker,
        what="A debrief and a change of visits.",
        offered_by=org.manager,
    )
    assert support.staff == org.worker
    assert case.timeline.filter(text__contains="Support offered to").exists()


def test_a_concern_makes_the_colleague_the_person_concerned_who_is_told(org):
    case = disclosure_file(
        reporter=org.worker, kind=DisclosureKind.CONCERN, category_code="discrimination", subjects=[org.colleague]
    ).case
    assert _parts(case) >= {("worker", Part.RAISED), ("colleague", Part.CONCERNED)}
    assert "record_notice" in moves_for(org.manager.user, case)
    assert "record_support" not in moves_for(org.manager.user, case)
    services.subject_notice_record(case=case, actor=org.manager.user, subject=org.colleague, told="A concern.")


def test_the_people_involved_are_named_in_words_carers_and_relatives_included(org, client):
    service_user = ServiceUserFactory(team=org.north_a, reference="SU-52048", initials="JB")
    daughter = CarerFactory(service_user=service_user, initials="KC", relationship_to_service_user="daughter")
    case = disclosure_file(
        reporter=org.worker,
        category_code="gifts-money",
        service_users=[service_user],
        carers=[daughter],
        details={"item": "A watch", "approx_value": "80", "from_whom": "carer", "response": "declined"},
    ).case
    assert case.involvements.get(carer=daughter).part == Part.GIVER
    assert case.involvements.get(service_user=service_user).part == Part.SERVICE_USER
    client.force_login(org.manager.user)
    body = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Daughter of SU-52048 · KC" in body and "Gave or offered a gift" in body
    assert "SU-52048 · JB" in body and "Service user involved" in body
    assert ">giver<" not in body and ">carer<" not in body


def test_the_reviewer_corrects_a_part_with_a_reason_on_the_timeline_and_in_the_history(org):
    case = disclosure_file(
        reporter=org.worker, kind=DisclosureKind.CONCERN, category_code="discrimination", subjects=[org.colleague]
    ).case
    colleague = case.involvements.get(staff=org.colleague)
    with pytest.raises(services.CaseError, match="Say why"):
        services.involvement_change_part(
            case=case, actor=org.manager.user, involvement=colleague, part=Part.HARMED, reason=""
        )
    services.involvement_change_part(
        case=case, actor=org.manager.user, involvement=colleague, part=Part.HARMED, reason="She was the target."
    )
    colleague.refresh_from_db()
    assert colleague.part == Part.HARMED
    assert colleague.history.first().history_change_reason == "cases.involvement.part_changed"
    assert case.timeline.filter(code=TimelineEntry.Code.NOTE, text__contains="She was the target.").exists()
    raised = case.involvements.get(part=Part.RAISED)
    with pytest.raises(services.CaseError, match="cannot be changed"):
        services.involvement_change_part(
            case=case, actor=org.manager.user, involvement=raised, part=Part.HARMED, reason="No."
        )


def test_on_a_speak_up_case_only_the_guardian_sees_who_raised_it_among_the_people(org):
    case = disclosure_file(
        reporter=org.worker,
        kind=DisclosureKind.CONCERN,
        category_code="sexual-boundaries",
        subjects=[org.colleague],
        speak_up=True,
    ).case
    as_guardian = {row.label for row in case_people(case=case, user=org.guardian.user)}
    as_lead = {row.label for row in case_people(case=case, user=org.safeguarding.user)}
    assert any(org.worker.full_name in label for label in as_guardian)
    assert not any(org.worker.full_name in label for label in as_lead)
    assert "the person who raised it" in as_lead


# ---------------------------------------------------------------- around this case, and leaks


def test_around_this_case_lists_other_cases_about_the_same_people_that_the_viewer_may_open(org, client):
    service_user = ServiceUserFactory(team=org.north_a)
    first = disclosure_file(reporter=org.worker, category_code="gifts-money", service_users=[service_user]).case
    second = disclosure_file(
        reporter=org.colleague, category_code="contact-outside-work", service_users=[service_user]
    ).case
    # A canary: a case about the same service user in another team, which the North A manager may not open.
    south_worker = _staff("south_worker", org.south, [], manager=org.other_manager)
    canary = disclosure_file(
        reporter=south_worker, category_code="physical-contact", service_users=[service_user], narrative="CANARY"
    ).case
    assert canary.reviewer == org.other_manager
    around = case_around(case=first, user=org.manager.user)
    assert [row.case for row in around] == [second]
    client.force_login(org.manager.user)
    body = client.get(reverse("cases:detail", args=[first.pk])).content.decode()
    assert second.reference in body
    assert canary.reference not in body and "CANARY" not in body and "Physical contact" not in body
    # Older than AROUND_CASE_MONTHS: not shown.
    Case.objects.filter(pk=second.pk).update(opened_at=timezone.now() - datetime.timedelta(days=800))
    assert case_around(case=first, user=org.manager.user) == []


@pytest.mark.parametrize("persona", ["manager", "senior", "safeguarding", "other_manager", "hr", "guardian"])
def test_no_viewer_learns_anything_about_a_case_they_may_not_open(org, client, persona):
    """A canary case per persona: its reference, category and words never reach the case page or its panel."""
    service_user = ServiceUserFactory(team=org.north_a)
    viewer = getattr(org, persona).user
    mine = disclosure_file(reporter=org.worker, category_code="gifts-money", service_users=[service_user]).case
    # The canary: a case in another team about the same service user and a carer, with words of its own.
    south_worker = _staff("south_worker", org.south, [], manager=org.other_manager)
    canary = disclosure_file(
        reporter=south_worker,
        category_code="contact-outside-work",
        service_users=[service_user],
        narrative="CANARY contact",
    ).case
    client.force_login(viewer)
    response = client.get(reverse("cases:detail", args=[mine.pk]))
    if response.status_code == 404:
        return
    assert not case_list_for(viewer).filter(pk=canary.pk).exists()
    body = response.content.decode()
    for secret in (canary.reference, "CANARY", "Contact outside work", escape(south_worker.full_name)):
        assert secret not in body.split('id="around"')[1].split("</section>")[0], secret
    assert all(canary not in view.cases for view in case_patterns_for(case=mine, user=viewer))


# ---------------------------------------------------------------- patterns


def _gift(reporter, carer, value="30"):
    return disclosure_file(
        reporter=reporter,
        category_code="gifts-money",
        service_users=[carer.service_user],
        carers=[carer],
        details={"item": "Cash", "approx_value": value, "from_whom": "carer", "response": "declined"},
    ).case


def test_the_same_giver_to_two_workers_is_raised_once_for_the_safeguarding_lead(org, client):
    carer = CarerFactory(relationship_to_service_user="son")
    first = _gift(org.worker, carer, "200")
    assert not PatternAlert.objects.exists()  # one worker is not a pattern
    south_worker = _staff("south_worker", org.south, [], manager=org.other_manager)
    second = _gift(south_worker, carer)
    alert = PatternAlert.objects.get(rule__code="same-giver-several-workers")
    assert set(alert.cases.all()) == {first, second}
    leads = OutboxMessage.objects.filter(
        template=OutboxMessage.Template.PATTERN_ALERT, dedupe_key__startswith=f"pattern:{alert.pk}:"
    )
    assert list(leads.values_list("recipient", flat=True)) == [org.safeguarding.user.pk]
    assert AuditEvent.objects.filter(action="cases.pattern.raised").count() == 1
    # A third gift joins the pattern: no second alert, no second e-mail.
    third = _gift(org.colleague, carer)
    assert PatternAlert.objects.filter(rule__code="same-giver-several-workers").count() == 1
    assert set(alert.cases.all()) == {first, second, third}
    assert leads.count() == 1
    # The North A manager may not open the South case: they learn only that the lead has been told.
    views = case_patterns_for(case=first, user=org.manager.user)
    assert [v.told_only for v in views if v.alert == alert] == [True]
    client.force_login(org.manager.user)
    body = client.get(reverse("cases:detail", args=[first.pk])).content.decode()
    assert "The safeguarding lead has been told." in body
    assert second.reference not in body
    # The lead sees the pattern on their page and records what happened (audited); nobody else may.
    client.force_login(org.safeguarding.user)
    page = client.get(reverse("cases:patterns")).content.decode()
    assert "The same giver, several workers" in page and "Son of" in page
    response = client.post(
        reverse("cases:pattern_state", args=[alert.pk]), {"state": "looked_at", "note": "Spoke to SW."}
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.state == PatternAlert.State.LOOKED_AT
    assert AuditEvent.objects.filter(action="cases.pattern.state_changed").exists()
    client.force_login(org.manager.user)
    assert client.get(reverse("cases:patterns")).status_code == 404
    assert client.post(reverse("cases:pattern_state", args=[alert.pk]), {"state": "acted_on"}).status_code == 404


def test_three_concerns_about_one_member_of_staff_within_a_year_are_a_pattern(org):
    for n in range(3):
        assert not PatternAlert.objects.filter(rule__code="repeated-concerns-about-staff").exists() or n == 3
        disclosure_file(
            reporter=org.worker,
            kind=DisclosureKind.CONCERN,
            category_code=["discrimination", "substances", "abuse-of-power"][n],
            subjects=[org.colleague],
        )
    alert = PatternAlert.objects.get(rule__code="repeated-concerns-about-staff")
    assert alert.key == f"staff:{org.colleague.pk}" and alert.cases.count() == 3


def test_repeated_issues_around_one_service_user_are_a_pattern(org):
    service_user = ServiceUserFactory(team=org.north_a)
    for reporter, code in (
        (org.worker, "gifts-money"),
        (org.colleague, "contact-outside-work"),
        (org.worker, "social-media"),
    ):
        disclosure_file(reporter=reporter, category_code=code, service_users=[service_user])
    alert = PatternAlert.objects.get(rule__code="repeated-issues-around-service-user")
    assert alert.key == f"service_user:{service_user.pk}"


# ---------------------------------------------------------------- variations


def _variation(org, when):
    service_user = ServiceUserFactory(team=org.north_a)
    return disclosure_file(
        reporter=org.worker,
        kind=DisclosureKind.VARIATION,
        category_code="variation-request",
        service_users=[service_user],
        narrative="",
        details={
            "planned_activity": "A day-centre trip to my allotment",
            "when": when.isoformat(),
            "why": "He loves it",
        },
    )


def test_a_variation_is_decided_with_conditions_before_the_date_and_the_worker_reads_it(org, client):
    monday = TODAY() + datetime.timedelta(days=14 - TODAY().weekday())  # a Monday two weeks or so away
    disclosure = _variation(org, monday)
    case = disclosure.case
    assert case.activity_date == monday
    assert case.decision_due_date == monday - datetime.timedelta(days=4)  # two working days before: Thursday
    assert ("worker", Part.CONCERNED) not in _parts(case)  # a plan is not conduct in question
    assert "decide_variation" in moves_for(org.manager.user, case)
    decision = services.variation_decide(
        case=case,
        actor=org.manager.user,
        decision="agreed_with_conditions",
        reason="A good plan with safeguards.",
        conditions="Go with a second worker\nNo lifts in your own car",
    )
    conditions = Action.objects.filter(case=case, template__code="variation-condition")
    assert sorted(conditions.values_list("details", flat=True)) == [
        "Go with a second worker",
        "No lifts in your own car",
    ]
    assert {a.owner for a in conditions} == {org.worker} and {a.due_date for a in conditions} == {monday}
    case.refresh_from_db()
    assert case.decision_due_date is None and "decide_variation" not in moves_for(org.manager.user, case)
    assert OutboxMessage.objects.filter(
        template=OutboxMessage.Template.VARIATION_DECIDED, recipient=org.worker.user
    ).exists()
    assert all("allotment" not in m.body for m in mail.outbox)
    client.force_login(org.worker.user)
    body = client.get(reverse("disclosures:detail", args=[disclosure.pk])).content.decode()
    assert "agreed with conditions" in body and "No lifts in your own car" in body
    assert decision.reason in body


def test_the_decision_is_due_in_the_queue_the_digest_and_the_overdue_filter(org, client):
    disclosure = _variation(org, TODAY() + datetime.timedelta(days=1))
    case = disclosure.case
    assert case.decision_due_date == TODAY()
    assert digest_counts_for(user=org.manager.user).decisions_due == 1
    client.force_login(org.manager.user)
    assert "Decide the plan" in client.get(reverse("cases:list")).content.decode()
    Case.objects.filter(pk=case.pk).update(decision_due_date=TODAY() - datetime.timedelta(days=1))
    assert Case.objects.overdue().filter(pk=case.pk).exists()
    assert "Decision overdue" in client.get(reverse("cases:list")).content.decode()


def test_a_plan_whose_date_has_passed_is_not_decided_afterwards(org):
    disclosure = _variation(org, TODAY() + datetime.timedelta(days=3))
    case = disclosure.case
    Case.objects.filter(pk=case.pk).update(activity_date=TODAY() - datetime.timedelta(days=1))
    case.refresh_from_db()
    with pytest.raises(services.CaseError, match="has passed"):
        services.variation_decide(case=case, actor=org.manager.user, decision="agreed", reason="Late.")


def test_a_variation_needs_no_account_in_the_workers_own_words(org):
    disclosure = _variation(org, TODAY() + datetime.timedelta(days=10))
    assert disclosure.narrative == "" and disclosure.case is not None
    assert Involvement.objects.filter(case=disclosure.case, staff=org.worker, part=Part.RAISED).exists()
