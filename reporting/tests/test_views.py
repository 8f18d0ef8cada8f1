"""Access to /reports/ and its files (AC-01, AC-02, AC-11), audited downloads (AU-01), lessons review."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.urls import reverse

from audit.models import AuditEvent
from core.roles import Role
from people.models import Relationship
from people.tests.factories import RelationshipFactory, StaffMemberFactory, UserFactory
from reporting.models import LessonReview, QuarterlyReport
from reporting.tests.conftest import CANARY_LESSON_UNREVIEWED, Q2

VIEWERS = ["committee", "safeguarding", "senior"]
OUTSIDERS = ["worker", "manager", "other_manager", "hr", "guardian", "administrator", "superuser"]


def user_of(org, persona):
    value = getattr(org, persona)
    return getattr(value, "user", value)


@pytest.fixture
def ready(dataset, org, django_capture_on_commit_callbacks):
    from reporting.services import report_request

    with django_capture_on_commit_callbacks(execute=True):
        report, _ = report_request(quarter=Q2, trigger="person", requested_by=org.committee)
    report.refresh_from_db()
    assert report.status == QuarterlyReport.Status.READY
    return report


def file_urls(report):
    return [reverse(f"reporting:download_{f}", args=[report.pk]) for f in ("pdf", "csv", "xlsx")]


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_no_one_else_can_see_the_page_or_a_file(client, org, ready, persona):
    """AC-11: workers, managers, HR, the guardian, administrators and a bare superuser get 404."""
    client.force_login(user_of(org, persona))
    for url in [reverse("reporting:list"), reverse("reporting:lessons"), *file_urls(ready)]:
        assert client.get(url).status_code == 404, url
    for url in [
        reverse("reporting:request"),
        reverse("reporting:retry", args=[ready.pk]),
        reverse("reporting:check", args=[ready.pk]),
    ]:
        assert client.post(url, {"period": "2026-Q2"}).status_code == 404, url
    actions = ["reporting.report.downloaded", "reporting.report.checked"]
    assert not AuditEvent.objects.filter(action__in=actions).exclude(actor=None).exists()


def test_the_dpo_sees_the_list_and_runs_the_check_but_downloads_nothing(client, org, ready):
    """The Auditor / DPO: the disclosure check only (AC-11: no figures, no files, no lessons)."""
    client.force_login(org.auditor)
    page = client.get(reverse("reporting:list"))
    assert page.status_code == 200
    assert b"Run the disclosure check" in page.content and b"Released" in page.content
    assert reverse("reporting:download_pdf", args=[ready.pk]).encode() not in page.content
    for url in [reverse("reporting:lessons"), *file_urls(ready)]:
        assert client.get(url).status_code == 404, url
    for url in [reverse("reporting:request"), reverse("reporting:retry", args=[ready.pk])]:
        assert client.post(url, {"period": "2026-Q2"}).status_code == 404, url
    response = client.post(reverse("reporting:check", args=[ready.pk]))
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="reporting.report.checked", actor=org.auditor)
    assert event.detail == {"exposed": 0}


@pytest.mark.parametrize("persona", ["committee", "senior"])
def test_committee_and_senior_managers_may_not_run_the_check(client, org, ready, persona):
    client.force_login(user_of(org, persona))
    assert client.post(reverse("reporting:check", args=[ready.pk])).status_code == 403


def test_a_report_that_fails_the_check_is_not_offered_for_download(client, org, db):
    """The issue's subtraction: 2026-Q2 is released; 2026-Q3, suppressed table by table only, would let
    open at the end of Q2 + opened − closed = open at the end of Q3 give a team's figure away. The
    check holds it back: no link and 404 on every file, for the committee too."""
    from reporting.services import report_check
    from reporting.tests.histories import figures
    from reporting.tests.test_disclosure import SUBTRACTION, per_table_only

    def stored(index, quarter, exposed):
        release = per_table_only(figures(2, 2, SUBTRACTION, index))
        return QuarterlyReport.objects.create(
            year=2026, quarter=quarter, trigger="command", status="ready", threshold=3, exposed_cells=exposed,
            snapshot={"cells": dict(release.cells), "threshold": 3, "lessons": []},
            pdf=ContentFile(b"%PDF", name="report.pdf"), csv=ContentFile(b"a", name="report.csv"),
            xlsx=ContentFile(b"b", name="report.xlsx"), pdf_sha256="x" * 64,
        )  # fmt: skip

    stored(5, 2, 0)
    q3 = stored(6, 3, None)
    q3 = report_check(report=q3, actor=org.safeguarding.user)
    assert q3.exposed_cells > 0
    assert any(line.startswith("2026-Q3, cases opened, team 0: between 1 and 1") for line in q3.check_findings)
    assert AuditEvent.objects.filter(action="reporting.report.checked", object_id=str(q3.pk)).exists()
    client.force_login(org.committee)
    page = client.get(reverse("reporting:list"))
    assert b"Held back" in page.content
    assert reverse("reporting:download_pdf", args=[q3.pk]).encode() not in page.content
    for url in file_urls(q3):
        assert client.get(url).status_code == 404, url


def test_a_file_of_a_report_that_is_not_ready_is_a_404(client, org, db):
    report = QuarterlyReport.objects.create(year=2026, quarter=2, trigger="command")
    client.force_login(org.committee)
    for url in file_urls(report):
        assert client.get(url).status_code == 404


def test_a_senior_manager_may_not_ask_for_a_report(client, org, db):
    client.force_login(org.senior.user)
    assert client.post(reverse("reporting:request"), {"period": "2026-Q2"}).status_code == 403
    assert not QuarterlyReport.objects.exists()


def test_a_committee_member_asks_for_a_report(client, org, dataset, django_capture_on_commit_callbacks):
    client.force_login(org.committee)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reporting:request"), {"period": "2026-Q2"})
    assert response.status_code == 302
    report = QuarterlyReport.objects.get()
    assert (report.requested_by, report.trigger, report.status) == (org.committee, "person", "ready")
    assert AuditEvent.objects.filter(action="reporting.report.requested", actor=org.committee).exists()


def test_a_failed_report_shows_the_failure_and_a_retry_button(client, org, db):
    report = QuarterlyReport.objects.create(
        year=2026, quarter=2, trigger="command", status="failed", last_error="ZeroDivisionError", attempts=1
    )
    client.force_login(org.committee)
    page = client.get(reverse("reporting:list")).content.decode()
    assert "Failed" in page and "ZeroDivisionError" in page
    assert reverse("reporting:retry", args=[report.pk]) in page
    client.force_login(org.senior.user)  # sees the failure, cannot retry
    assert reverse("reporting:retry", args=[report.pk]) not in client.get(reverse("reporting:list")).content.decode()
    assert client.post(reverse("reporting:retry", args=[report.pk])).status_code == 403


def test_the_nav_shows_quarterly_reports_to_viewers_only(client, org, db):
    client.force_login(org.committee)
    assert b"Quarterly reports" in client.get("/").content
    client.force_login(org.worker.user)
    assert b"Quarterly reports" not in client.get("/").content


def test_the_safeguarding_lead_reviews_lessons_and_only_approved_text_is_published(client, org, dataset):
    """CP-01: unreviewed lessons never reach the report; the lead's reading of them is audited (AU-01)."""
    lead = org.safeguarding.user
    dataset.c2.lessons = "Agree gifts rules with the family early. CANARY-NAME-Jones"
    dataset.c2.save()
    client.force_login(lead)
    page = client.get(reverse("reporting:lessons"), {"period": "2026-Q2"})
    assert page.status_code == 200
    assert b"CANARY-NAME-Jones" in page.content
    assert dataset.c2.reference.encode() not in page.content
    assert AuditEvent.objects.filter(action="reporting.lessons.viewed", actor=lead).exists()

    response = client.post(
        reverse("reporting:lesson_review"),
        {
            "case": dataset.c2.pk,
            "decision": "edited",
            "text": "Agree gifts rules with the family early.",
            "period": "2026-Q2",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("?period=2026-Q2")
    review = LessonReview.objects.get(case=dataset.c2)
    assert (review.decision, review.published_text, review.reviewed_by) == (
        "edited",
        "Agree gifts rules with the family early.",
        lead,
    )

    client.post(
        reverse("reporting:lesson_review"), {"case": dataset.c1.pk, "decision": "excluded", "period": "2026-Q2"}
    )
    from reporting.selectors import report_figures

    assert report_figures(quarter=Q2).lessons == ["Agree gifts rules with the family early."]


def test_an_edited_lesson_needs_text(client, org, dataset):
    client.force_login(org.safeguarding.user)
    client.post(reverse("reporting:lesson_review"), {"case": dataset.c1.pk, "decision": "edited", "text": " "})
    assert not LessonReview.objects.exists()


def test_lessons_of_restricted_or_open_cases_cannot_be_reviewed(client, org, dataset):
    dataset.c1.is_restricted = True
    dataset.c1.save()
    client.force_login(org.safeguarding.user)
    for case in (dataset.c1, dataset.c3):
        response = client.post(reverse("reporting:lesson_review"), {"case": case.pk, "decision": "approved"})
        assert response.status_code == 404


def test_the_lessons_page_leaves_out_cases_about_the_lead_or_a_close_colleague(client, org, dataset):
    """AC-05, AC-06: the lessons review goes through the same conflict exclusions as every list; a
    case about the lead, or about a colleague they declared a close relationship with, is neither shown
    nor open to a decision."""
    dataset.c2.lessons = "CANARY-LESSON-ABOUT-THE-LEAD"
    dataset.c2.save()
    dataset.c2.subjects.add(org.safeguarding)
    dataset.c1.subjects.set([org.colleague])
    RelationshipFactory(
        staff=org.safeguarding,
        counterpart=Relationship.Counterpart.COLLEAGUE,
        service_user=None,
        colleague=org.colleague,
        kind=Relationship.Kind.PARTNER,
    )
    client.force_login(org.safeguarding.user)
    page = client.get(reverse("reporting:lessons"), {"period": "2026-Q2"})
    assert page.status_code == 200
    assert b"CANARY-LESSON-ABOUT-THE-LEAD" not in page.content
    assert CANARY_LESSON_UNREVIEWED.encode() not in page.content
    for case in (dataset.c1, dataset.c2):
        response = client.post(reverse("reporting:lesson_review"), {"case": case.pk, "decision": "approved"})
        assert response.status_code == 404
    assert not LessonReview.objects.exists()
    # Another lead, with no conflict, sees both.
    other = StaffMemberFactory(team=org.central, user=UserFactory(roles=[Role.SAFEGUARDING_LEAD]))
    client.force_login(other.user)
    page = client.get(reverse("reporting:lessons"), {"period": "2026-Q2"})
    assert b"CANARY-LESSON-ABOUT-THE-LEAD" in page.content


def test_the_lessons_of_a_speak_up_case_are_for_a_lead_who_is_also_the_guardian(client, org, dataset):
    """DESIGN §6: only the guardian sees a speak-up case, its lessons included."""
    dataset.c2.lessons = "CANARY-SPEAK-UP-LESSON"
    dataset.c2.is_speak_up = True
    dataset.c2.save()
    client.force_login(org.safeguarding.user)
    assert b"CANARY-SPEAK-UP-LESSON" not in client.get(reverse("reporting:lessons"), {"period": "2026-Q2"}).content
    org.safeguarding.user.groups.add(Group.objects.get(name=Role.SPEAK_UP_GUARDIAN))
    assert b"CANARY-SPEAK-UP-LESSON" in client.get(reverse("reporting:lessons"), {"period": "2026-Q2"}).content


def test_lessons_approved_after_a_report_was_compiled_offer_the_lead_a_new_revision(
    client, org, dataset, ready, django_capture_on_commit_callbacks
):
    """The lead approves a lesson after revision 1: the reports and lessons pages offer revision 2,
    which publishes it; then the offer goes."""
    from reporting.services import lesson_review_save

    lead = org.safeguarding.user
    client.force_login(lead)
    assert b"Ask for a new version" not in client.get(reverse("reporting:list")).content
    lesson_review_save(case=dataset.c1, decision="edited", text="Check gifts at induction.", actor=lead)
    for url in (reverse("reporting:list"), reverse("reporting:lessons") + "?period=2026-Q2"):
        assert b"Ask for a new version of 2026-Q2" in client.get(url).content, url
    client.force_login(org.committee)  # the offer is the lead's: committee members do not see it
    assert b"Ask for a new version" not in client.get(reverse("reporting:list")).content
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reporting:request"), {"period": "2026-Q2"})
    second = QuarterlyReport.objects.get(year=2026, quarter=2, revision=2)
    assert second.snapshot["lessons"] == ["Check gifts at induction."] and second.is_released
    assert b"Ask for a new version" not in client.get(reverse("reporting:list")).content
