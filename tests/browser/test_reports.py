"""Browser: the demo `committee` member downloads the latest quarterly PDF and CSV; axe on /reports/."""

import pytest

from core.roles import Role
from people.tests.factories import StaffMemberFactory, TeamFactory, UserFactory
from reporting.models import QuarterlyReport
from reporting.periods import Quarter
from reporting.services import report_file_bytes, report_request
from reporting.tests.factories import make_case


@pytest.mark.django_db(transaction=True)
def test_the_committee_member_downloads_the_latest_pdf_and_csv(page, login, assert_accessible, assert_same_origin):
    UserFactory(username="committee", roles=[Role.COMMITTEE_MEMBER])
    team = TeamFactory(name="North A")
    worker = StaffMemberFactory(team=team)
    for day in range(1, 5):
        make_case(team=team, opened=f"2026-05-{day:02d}T09:00", subjects=[worker])
    report_request(quarter=Quarter(2026, 2), trigger="schedule")  # tasks run in-process: compiled on commit
    report = QuarterlyReport.objects.get()
    assert report.status == QuarterlyReport.Status.READY

    login(page, "committee")
    page.get_by_role("link", name="Quarterly reports").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Quarterly safeguarding reports", level=1).is_visible()
    assert_accessible(page)

    for fmt, name in (("PDF", "Download the PDF for 2026-Q2"), ("CSV", "Download the figures as CSV for 2026-Q2")):
        with page.expect_download() as info:
            page.get_by_role("link", name=name).click()
        download = info.value
        assert download.suggested_filename == f"safeguarding-summary-2026-Q2-r1.{fmt.lower()}"
        with open(download.path(), "rb") as f:
            assert f.read() == report_file_bytes(report, fmt.lower())
    assert_same_origin(page)


@pytest.mark.django_db(transaction=True)
def test_the_dpo_runs_the_disclosure_check_from_the_reports_page(page, login, assert_accessible):
    """CP-02: the Auditor / DPO opens /reports/ for the check only (no downloads); axe on the page."""
    UserFactory(username="auditor", roles=[Role.AUDITOR])
    team = TeamFactory(name="North A")
    worker = StaffMemberFactory(team=team)
    for day in range(1, 5):
        make_case(team=team, opened=f"2026-05-{day:02d}T09:00", subjects=[worker])
    report_request(quarter=Quarter(2026, 2), trigger="schedule")
    assert QuarterlyReport.objects.get().is_released

    login(page, "auditor")
    page.get_by_role("link", name="Quarterly reports").first.click()
    page.wait_for_load_state()
    assert page.get_by_text("Released", exact=True).is_visible()
    assert page.get_by_role("link", name="PDF for 2026-Q2 revision 1").count() == 0
    page.get_by_role("button", name="Run the disclosure check on 2026-Q2").click()
    page.wait_for_load_state()
    assert page.get_by_text("passed the check").is_visible()
    assert_accessible(page)
