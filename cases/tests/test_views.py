"""The case pages: each form's happy path and error path, the queue's filters and its fixed
query count, the case page's contents, the audit of every view, and navigation.

State is built through the real services (cases.tests.factories); the pages are driven through the
test client as the personas in the root conftest.
"""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from audit.models import AuditEvent
from cases import services
from cases.models import Action, Case, Outcome, PromptAnswer, RiskAssessment
from cases.selectors import case_prompts_raised
from cases.tests.factories import answer_all_prompts, assess, close, concern_case, drive_to, gift_case, template
from core.roles import Role
from disclosures.tests.factories import disclosure_file
from people.tests.factories import StaffMemberFactory

TODAY = timezone.localdate


def url(name, case, *args):
    return reverse(f"cases:{name}", args=[case.pk, *args])


@pytest.fixture
def reviewer_client(client, org):
    client.force_login(org.manager.user)
    return client


def body(response) -> str:
    return response.content.decode()


def assert_kept(response, *texts):
    """The page shows the error summary and still holds everything typed (never lost input)."""
    html = body(response)
    assert "error-summary" in html or "Someone else changed this case" in html
    for text in texts:
        assert text in html, text


# The queue -------------------------------------------------------------------------------


def test_the_reviewer_sees_their_open_case_with_its_deadline(reviewer_client, org):
    case = gift_case(org)
    html = body(reviewer_client.get(reverse("cases:list")))
    assert case.reference in html
    assert "Acknowledge:" in html
    assert "Not assessed" in html


def test_the_queue_filters_by_status_reference_and_overdue(reviewer_client, org):
    first = gift_case(org)
    second = concern_case(org)
    services.case_acknowledge(case=second, actor=org.manager.user)
    html = body(reviewer_client.get(reverse("cases:list"), {"status": Case.Status.FACT_FINDING}))
    assert second.reference in html and first.reference not in html
    html = body(reviewer_client.get(reverse("cases:list"), {"reference": first.reference[-5:]}))
    assert first.reference in html and second.reference not in html
    html = body(reviewer_client.get(reverse("cases:list"), {"overdue": "yes"}))
    assert first.reference not in html  # nothing is overdue yet
    Case.objects.filter(pk=first.pk).update(acknowledge_by_date=TODAY() - datetime.timedelta(days=3))
    html = body(reviewer_client.get(reverse("cases:list"), {"overdue": "yes"}))
    assert first.reference in html and "Acknowledgement overdue" in html
    assert second.reference not in html


def test_closed_cases_leave_the_default_queue(reviewer_client, org):
    case = drive_to(gift_case(org), Case.Status.CLOSED, reviewer=org.manager.user)
    assert case.reference not in body(reviewer_client.get(reverse("cases:list")))
    assert case.reference in body(reviewer_client.get(reverse("cases:list"), {"status": "all"}))


def _queue_queries(client) -> list[str]:
    client.get(reverse("cases:list"))  # warm the per-process caches (content types, site settings)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("cases:list"))
    assert response.status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def test_the_queue_runs_the_same_number_of_queries_for_1_and_50_cases(reviewer_client, org):
    """No N+1: the annotations (next action, overdue actions, current score) are subqueries."""
    case = gift_case(org)
    assess(case, org.manager.user)
    services.action_add(case=case, actor=org.manager.user, template=template("supervision"), owner=org.manager)
    one = _queue_queries(reviewer_client)
    for i in range(49):
        # A different worker each time, so each disclosure opens its own case (no attaching).
        reporter = StaffMemberFactory(team=org.north_a, line_manager=org.manager)
        extra = disclosure_file(reporter=reporter, narrative=f"Gift number {i}.").case
        if i % 3 == 0:
            assess(extra, org.manager.user)
            services.action_add(case=extra, actor=org.manager.user, template=template("training"), owner=org.manager)
    assert Case.objects.count() == 50
    fifty = _queue_queries(reviewer_client)
    assert len(fifty) == len(one), "\n".join(q[:200] for q in fifty)


def test_the_senior_manager_sees_their_teams_cases_and_can_narrow_to_their_own(client, org):
    case = gift_case(org)
    client.force_login(org.senior.user)
    assert case.reference in body(client.get(reverse("cases:list")))
    assert case.reference not in body(client.get(reverse("cases:list"), {"mine": "yes"}))


# The case page ---------------------------------------------------------------------------


def test_the_case_page_shows_everything_and_audits_the_view(reviewer_client, org):
    """AU-01: every view of a case page writes one cases.case.viewed event."""
    case = concern_case(org, category_code="gifts-money")
    reviewer = org.manager.user
    services.case_acknowledge(case=case, actor=reviewer)
    assess(case, reviewer, likelihood=4, consequence=3, financial=True)
    services.action_add(case=case, actor=reviewer, template=template("gift-return"), owner=org.colleague)
    services.subject_notice_record(
        case=case, actor=reviewer, subject=org.colleague, told="We need to talk about a gift."
    )
    before = AuditEvent.objects.filter(action="cases.case.viewed", object_id=str(case.pk)).count()
    response = reviewer_client.get(url("detail", case))
    html = body(response)
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="cases.case.viewed", object_id=str(case.pk)).count() == before + 1
    for text in (
        "A service user offered me a small gift",  # the disclosure
        escape(org.worker.full_name),  # who raised it (not speak-up)
        escape(org.colleague.full_name),  # people involved
        "4 – Likely",  # likelihood with its data label
        "3 – Moderate",
        "High",  # 12 is in the High band
        "Financial element",
        "Return or donate a gift",
        "We need to talk about a gift.",
        "What the policy says",
        "Timeline",
    ):
        assert text in html, text


def test_buttons_offer_only_the_moves_the_user_may_make(client, org):
    case = gift_case(org)
    client.force_login(org.manager.user)
    html = body(client.get(url("detail", case)))
    assert url("acknowledge", case) in html
    assert url("close", case) in html
    assert url("sign_off", case) not in html
    client.force_login(org.senior.user)
    html = body(client.get(url("detail", case)))
    assert url("acknowledge", case) not in html
    assert url("close", case) not in html
    assert url("reassign", case) in html


def test_the_history_page_lists_changes_and_is_audited(reviewer_client, org):
    case = gift_case(org)
    services.case_acknowledge(case=case, actor=org.manager.user)
    response = reviewer_client.get(url("history", case))
    assert response.status_code == 200
    assert "Fact-finding" in body(response)
    assert AuditEvent.objects.filter(action="cases.case.history_viewed", object_id=str(case.pk)).exists()


# Moves: happy and error paths ------------------------------------------------------------


def test_acknowledge_moves_the_case_on(reviewer_client, org):
    case = gift_case(org)
    response = reviewer_client.post(url("acknowledge", case), {"version": case.version})
    assert response.status_code == 302 and response["Location"] == url("detail", case)
    case.refresh_from_db()
    assert case.status == Case.Status.FACT_FINDING
    assert "Case acknowledged" in body(reviewer_client.get(url("detail", case)))


def test_a_stale_version_is_refused_with_409_and_the_typed_note_is_kept(reviewer_client, org):
    """DI-01: optimistic locking. Someone else changed the case; nothing typed is lost."""
    case = gift_case(org)
    stale = case.version
    services.case_acknowledge(case=case, actor=org.manager.user)
    response = reviewer_client.post(url("note", case), {"version": stale, "text": "My careful note"})
    assert response.status_code == 409
    assert_kept(response, "Someone else changed this case", "My careful note")
    # The page now carries the current version: saving again works.
    case.refresh_from_db()
    response = reviewer_client.post(url("note", case), {"version": case.version, "text": "My careful note"})
    assert response.status_code == 302
    assert case.timeline.filter(text="My careful note").exists()


def _assess_data(case, **overrides):
    data = {
        "version": case.version,
        "likelihood": "3",
        "consequence": "2",
        "residual_likelihood": "2",
        "residual_consequence": "1",
        "factor_lone_working": "on",
        "mitigation": "Visits in pairs for now",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_a_risk_assessment_is_recorded(reviewer_client, org):
    case = gift_case(org)
    response = reviewer_client.post(url("assess", case), _assess_data(case))
    assert response.status_code == 302
    assessment = RiskAssessment.objects.get(case=case)
    assert (assessment.likelihood, assessment.consequence, assessment.factor_lone_working) == (3, 2, True)
    assert assessment.mitigation == "Visits in pairs for now"


def test_a_risk_assessment_without_a_likelihood_keeps_what_was_typed(reviewer_client, org):
    case = gift_case(org)
    response = reviewer_client.post(url("assess", case), _assess_data(case, likelihood=None))
    assert response.status_code == 200
    assert_kept(response, "Visits in pairs for now")
    assert 'value="2" checked' in body(response) or "checked" in body(response)
    assert not RiskAssessment.objects.filter(case=case).exists()


def test_the_action_plan_needs_an_assessment_first(reviewer_client, org):
    case = drive_to(gift_case(org), Case.Status.FACT_FINDING, reviewer=org.manager.user)
    response = reviewer_client.post(url("action_plan", case), {"version": case.version})
    assert response.status_code == 200
    assert "Record a risk assessment before agreeing an action plan." in body(response)
    assess(case, org.manager.user)
    case.refresh_from_db()
    response = reviewer_client.post(url("action_plan", case), {"version": case.version})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.ACTION_PLAN


def test_a_review_date_in_the_past_is_refused_and_kept(reviewer_client, org):
    case = gift_case(org)
    past = (TODAY() - datetime.timedelta(days=2)).isoformat()
    response = reviewer_client.post(url("review_date", case), {"version": case.version, "next_review_date": past})
    assert response.status_code == 200
    assert_kept(response, "The next review date cannot be in the past.", past)
    future = (TODAY() + datetime.timedelta(days=14)).isoformat()
    response = reviewer_client.post(url("review_date", case), {"version": case.version, "next_review_date": future})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.next_review_date.isoformat() == future


@pytest.mark.parametrize(
    ("name", "field", "typed", "message"),
    [
        ("review_date", "next_review_date", "9999-12-31", "The next review date cannot be more than 5 years ahead"),
        ("review_date", "next_review_date", "0001-01-01", "The next review date cannot be in the past."),
        ("subject_notice", "told_date", "2999-01-01", "The date they were told cannot be in the future."),
        ("subject_notice", "told_date", "1066-10-14", "The date they were told cannot be before 1 January 1900."),
        ("action_add", "due_date", "9999-12-31", "The due date cannot be more than 5 years ahead"),
    ],
)
def test_a_date_no_one_means_is_refused_in_the_page_and_kept(reviewer_client, org, name, field, typed, message):
    """IN-01: a review date of 31/12/9999 was accepted; every date has the bounds of its kind (core.dates)."""
    case = drive_to(gift_case(org), Case.Status.ACTION_PLAN, reviewer=org.manager.user)
    response = reviewer_client.post(url(name, case), {"version": case.version, field: typed, "told": "Kept words"})
    assert response.status_code == 200
    assert_kept(response, message, typed)
    case.refresh_from_db()
    assert case.next_review_date is None and not case.actions.exists() and not case.subject_notices.exists()


def test_a_service_refuses_a_date_out_of_bounds_too(org):
    """The same rule in the service: a caller that skips the form cannot store 31/12/9999 either."""
    case = drive_to(gift_case(org), Case.Status.ACTION_PLAN, reviewer=org.manager.user)
    with pytest.raises(services.CaseError, match="more than 5 years ahead"):
        services.case_set_review_date(case=case, actor=org.manager.user, next_review_date=datetime.date(9999, 12, 31))


def test_monitoring_needs_a_review_date(reviewer_client, org):
    case = drive_to(gift_case(org), Case.Status.ACTION_PLAN, reviewer=org.manager.user)
    response = reviewer_client.post(url("monitoring", case), {"version": case.version})
    assert response.status_code == 200
    assert "error-summary" in body(response)
    services.case_set_review_date(
        case=case, actor=org.manager.user, next_review_date=TODAY() + datetime.timedelta(days=7)
    )
    case.refresh_from_db()
    response = reviewer_client.post(url("monitoring", case), {"version": case.version})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.MONITORING


def test_a_statutory_prompt_is_answered_and_a_missing_reason_keeps_the_choice(reviewer_client, org):
    case = concern_case(org, category_code="sexual-boundaries")
    prompt = case_prompts_raised(case=case)[0]
    response = reviewer_client.post(url("prompt_answer", case), {"version": case.version, "prompt": prompt})
    assert response.status_code == 200
    assert_kept(response, f'value="{prompt}" selected')
    data = {"version": case.version, "prompt": prompt, "referral_made": "yes", "reason": "Referred on the day."}
    assert reviewer_client.post(url("prompt_answer", case), data).status_code == 302
    answer = PromptAnswer.objects.get(case=case, prompt=prompt)
    assert answer.referral_made and answer.reason == "Referred on the day."


def test_an_action_is_added_and_a_missing_owner_keeps_the_details(reviewer_client, org):
    case = drive_to(gift_case(org), Case.Status.ACTION_PLAN, reviewer=org.manager.user)
    supervision = template("supervision")
    data = {"version": case.version, "template": supervision.pk, "owner": "", "details": "Fortnightly, with me"}
    response = reviewer_client.post(url("action_add", case), data)
    assert response.status_code == 200
    assert_kept(response, "Fortnightly, with me")
    data["owner"] = org.manager.pk
    assert reviewer_client.post(url("action_add", case), data).status_code == 302
    action = Action.objects.get(case=case)
    assert action.due_date == TODAY() + datetime.timedelta(days=supervision.default_days)
    case.refresh_from_db()
    data = {"version": case.version, "status": Action.Status.DONE}
    response = reviewer_client.post(url("action_status", case, action.pk), data)
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == Action.Status.DONE


def test_a_review_records_each_action_check_and_keeps_notes_on_error(reviewer_client, org):
    case = drive_to(gift_case(org), Case.Status.ACTION_PLAN, reviewer=org.manager.user)
    action = services.action_add(case=case, actor=org.manager.user, template=template("supervision"), owner=org.manager)
    case.refresh_from_db()
    next_date = (TODAY() + datetime.timedelta(days=28)).isoformat()
    data = {
        "version": case.version,
        "notes": "",
        "next_review_date": next_date,
        f"still_needed_{action.pk}": "no",
        f"working_{action.pk}": "yes",
        f"note_{action.pk}": "Boundaries are clear now",
    }
    response = reviewer_client.post(url("review", case), data)
    assert response.status_code == 200
    assert_kept(response, "Boundaries are clear now")
    data["notes"] = "Went well."
    assert reviewer_client.post(url("review", case), data).status_code == 302
    action.refresh_from_db()
    assert action.status == Action.Status.CANCELLED  # no longer needed
    case.refresh_from_db()
    assert case.next_review_date.isoformat() == next_date


def test_a_notice_naming_a_colleague_is_kept_with_a_warning_until_the_names_may_stay(client, org):
    """DESIGN §6: the warning names what was found, keeps every word typed, and lets the reviewer go on
    once they have checked the names."""
    case = concern_case(org)
    client.force_login(org.manager.user)
    told = f"{org.hr.full_name} from HR will call you about the gift."
    data = {"version": case.version, "subject": org.colleague.pk, "told": told}
    response = client.post(url("subject_notice", case), data)
    assert response.status_code == 200
    assert_kept(response, f"The text names {escape(org.hr.full_name)}", escape(told))
    assert not case.subject_notices.exists()
    data["names_checked"] = "on"
    assert client.post(url("subject_notice", case), data).status_code == 302
    assert case.subject_notices.get().told == told


def test_the_subject_reads_only_the_notice_and_replies(client, org):
    """DESIGN §6: the subject sees exactly what they were told – not the case, its reference or the reporter."""
    case = concern_case(org)
    client.force_login(org.manager.user)
    data = {"version": case.version, "subject": org.colleague.pk, "told": ""}
    response = client.post(url("subject_notice", case), data)
    assert response.status_code == 200 and "error-summary" in body(response)
    data["told"] = "Someone has raised a worry about comments you made."
    assert client.post(url("subject_notice", case), data).status_code == 302

    client.force_login(org.colleague.user)
    response = client.get(reverse("cases:notices"))
    html = body(response)
    assert "Someone has raised a worry about comments you made." in html
    assert case.reference not in html and escape(org.worker.full_name) not in html
    assert "Notices about you" in html
    notice = case.subject_notices.get()
    reply_url = reverse("cases:notice_reply", args=[notice.pk])
    response = client.post(reply_url, {f"n{notice.pk}-response": ""})
    assert response.status_code == 200 and "error-summary" in body(response)
    response = client.post(reply_url, {f"n{notice.pk}-response": "I was joking, but I see why."})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.response == "I was joking, but I see why."
    # The reviewer reads the reply on the case page.
    client.force_login(org.manager.user)
    assert "I was joking, but I see why." in body(client.get(url("detail", case)))


def test_someone_without_notices_has_no_notices_page_or_menu_entry(client, org):
    client.force_login(org.worker.user)
    assert client.get(reverse("cases:notices")).status_code == 404
    assert reverse("cases:notices") not in body(client.get(reverse("dashboard")))


def test_escalation_shares_the_case_and_a_missing_reason_is_kept(reviewer_client, org):
    case = gift_case(org)
    data = {"version": case.version, "to": org.senior.pk, "reason": "", "reassign": "share"}
    response = reviewer_client.post(url("escalate", case), data)
    assert response.status_code == 200
    assert_kept(response)
    assert re.search(r'value="share"[^>]*checked', body(response))
    data["reason"] = "I need a second opinion."
    assert reviewer_client.post(url("escalate", case), data).status_code == 302
    case.refresh_from_db()
    assert case.shared_with.filter(pk=org.senior.pk).exists()
    assert case.reviewer_id == org.manager.pk


def test_reassigning_to_the_subject_is_refused_with_the_reason(client, org):
    """AC-05 (e): a case is never reassigned to someone it is about."""
    org.colleague.user.groups.add(Group.objects.get(name=Role.LINE_MANAGER.value))
    case = concern_case(org)
    client.force_login(org.senior.user)
    data = {"version": case.version, "reviewer": org.colleague.pk, "reason": "Workload"}
    response = client.post(url("reassign", case), data)
    assert response.status_code == 200
    assert_kept(response, "Workload")
    # A sentence about one person, never "they is the subject of this concern".
    assert f"{org.colleague.full_name} is the subject of this concern, so they cannot take this case." in body(response)
    assert "they is" not in body(response)
    case.refresh_from_db()
    assert case.reviewer_id == org.manager.pk
    data["reviewer"] = org.other_manager.pk
    assert client.post(url("reassign", case), data).status_code == 302
    case.refresh_from_db()
    assert case.reviewer_id == org.other_manager.pk


def test_closing_needs_every_prompt_answered_and_keeps_the_summary(reviewer_client, org):
    case = concern_case(org, category_code="sexual-boundaries")
    data = {
        "version": case.version,
        "outcome": Outcome.GUIDANCE,
        "outcome_notes": "Talked it through.",
        "summary_for_reporter": "Thank you for raising this.",
        "lessons": "",
    }
    response = reviewer_client.post(url("close", case), data)
    assert response.status_code == 200
    assert_kept(response, "Thank you for raising this.", "Talked it through.")
    case.refresh_from_db()
    assert case.status == Case.Status.NEW


def test_a_low_risk_case_closes_and_a_safeguarding_case_goes_to_sign_off(client, org):
    gift = gift_case(org)
    answer_all_prompts(gift, org.manager.user, Outcome.NO_FURTHER_ACTION)
    gift.refresh_from_db()
    client.force_login(org.manager.user)
    data = {
        "version": gift.version,
        "outcome": Outcome.NO_FURTHER_ACTION,
        "outcome_notes": "Declined politely.",
        "summary_for_reporter": "Thank you for telling us.",
    }
    assert client.post(url("close", gift), data).status_code == 302
    gift.refresh_from_db()
    assert gift.status == Case.Status.CLOSED

    case = concern_case(org, category_code="sexual-boundaries")
    case = close(case, org.manager.user)
    assert case.status == Case.Status.CLOSURE_REVIEW
    client.force_login(org.senior.user)
    assert url("sign_off", case) in body(client.get(url("detail", case)))
    response = client.post(url("send_back", case), {"version": case.version, "reason": ""})
    assert response.status_code == 200 and "error-summary" in body(response)
    assert client.post(url("sign_off", case), {"version": case.version}).status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and case.signed_off_by_id == org.senior.pk


def test_sign_off_can_be_refused_and_sends_the_case_back(client, org):
    case = close(concern_case(org, category_code="sexual-boundaries"), org.manager.user)
    client.force_login(org.safeguarding.user)
    data = {"version": case.version, "reason": "The police prompt needs a fuller reason."}
    assert client.post(url("send_back", case), data).status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.FACT_FINDING


def test_a_closed_case_is_reopened_with_a_reason(reviewer_client, org):
    case = drive_to(gift_case(org), Case.Status.CLOSED, reviewer=org.manager.user)
    response = reviewer_client.post(url("reopen", case), {"version": case.version, "reason": ""})
    assert response.status_code == 200 and "error-summary" in body(response)
    data = {"version": case.version, "reason": "It happened again."}
    assert reviewer_client.post(url("reopen", case), data).status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.FACT_FINDING


def test_a_note_is_added_to_the_timeline(reviewer_client, org):
    case = gift_case(org)
    response = reviewer_client.post(url("note", case), {"version": case.version, "text": ""})
    assert response.status_code == 200 and "error-summary" in body(response)
    assert (
        reviewer_client.post(url("note", case), {"version": case.version, "text": "Phoned JB's family."}).status_code
        == 302
    )
    assert "Phoned JB" in body(reviewer_client.get(url("detail", case)))


# Navigation ------------------------------------------------------------------------------


def test_cases_appear_in_the_menu_for_reviewers_not_for_workers(client, org):
    client.force_login(org.manager.user)
    assert reverse("cases:list") in body(client.get(reverse("dashboard")))
    client.force_login(org.worker.user)
    assert reverse("cases:list") not in body(client.get(reverse("dashboard")))
    assert client.get(reverse("cases:list")).status_code == 403


def test_notices_appear_in_the_menu_once_the_subject_has_one(client, org):
    case = concern_case(org)
    services.subject_notice_record(case=case, actor=org.manager.user, subject=org.colleague, told="A worry.")
    client.force_login(org.colleague.user)
    assert reverse("cases:notices") in body(client.get(reverse("dashboard")))
