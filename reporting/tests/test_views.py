"""Access to /reports/ and its files (AC-01, AC-02, AC-11), audited downloads (AU-01), lessons review."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from reporting.models import LessonReview, QuarterlyReport
from reporting.tests.conftest import Q2

VIEWERS = ["committee", "safeguarding", "senior"]
OUTSIDERS = ["worker", "manager", "other_manager", "hr", "guardian", "auditor", "administrator", "superuser"]


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
    """AC-11: workers, managers, HR, the guardian, the auditor, administrators and a bare superuser get 404."""
    client.force_login(user_of(org, persona))
    for url in [reverse("reporting:list"), reverse("reporting:lessons"), *file_urls(ready)]:
        assert client.get(url).status_code == 404, url
    for url in [reverse("reporting:request"), reverse("reporting:retry", args=[ready.pk])]:
        assert client.post(url, {"period": "2026-Q2"}).status_code == 404, url
    assert not AuditEvent.objects.filter(action="reporting.report.downloaded").exists()


@pytest.mark.parametrize("persona", VIEWERS)
def test_committee_lead_and_senior_managers_list_and_download_every_file_audited(client, org, ready, persona):
    """AU-01: every download is one audit event."""
    user = user_of(org, persona)
    client.force_login(user)
    page = client.get(reverse("reporting:list"))
    assert page.status_code == 200
    assert b"2026-Q2" in page.content and b"Ready" in page.content
    for url, fmt in zip(file_urls(ready), ("pdf", "csv", "xlsx"), strict=True):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"] == f'attachment; filename="safeguarding-summary-2026-Q2-r1.{fmt}"'
        assert response.content == bytes(getattr(ready, fmt))  # the stored bytes, every time
        assert response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]
    events = AuditEvent.objects.filter(action="reporting.report.downloaded", actor=user)
    assert sorted(e.detail["format"] for e in events) == ["csv", "pdf", "xlsx"]


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
