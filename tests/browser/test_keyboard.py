"""Browser: the four main journeys on a 390 px phone with the keyboard only: Tab and Shift+Tab to
move, arrow keys in radio groups and the people picker, Space and Enter to act, typing to fill in.
No mouse click and no locator action that clicks: every step goes through page.keyboard. axe (the WCAG 2.2
rules with target-size, tests/browser/crawl.py) runs on the pages on the way.
"""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from accounts.policy import mfa_enrolled, mfa_required_for
from accounts.testing import totp_code_for, totp_enrol
from cases.models import Case, RiskAssessment
from cases.tests.factories import gift_case
from core.roles import Role
from disclosures.models import Disclosure
from people.tests.factories import ServiceUserFactory, StaffMemberFactory, TeamFactory, UserFactory
from policies.models import Acknowledgement
from policies.tests.factories import GIFTS_V1, import_and_publish
from reporting.models import QuarterlyReport
from reporting.periods import Quarter
from reporting.services import report_file_bytes, report_request
from reporting.tests.factories import make_case
from tests.browser.crawl import AXE_OPTIONS

ACTIVE = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return "";
  const label = e.labels && e.labels.length ? e.labels[0].innerText : "";
  return (e.getAttribute("aria-label") || label || e.innerText || e.value || "").replace(/\\s+/g, " ").trim();
}"""


def active(page) -> str:
    return page.evaluate(ACTIVE)


def tab_to(page, name: str, max_tabs: int = 150):
    """Press Tab until the focused element's name contains `name`."""
    for _ in range(max_tabs):
        page.keyboard.press("Tab")
        if name in active(page):
            return
    raise AssertionError(f"Tab never reached {name!r}")


def tab_to_field(page, field: str, max_tabs: int = 150):
    """Press Tab until the focus is on the control named `field` (a radio group: its first or chosen radio)."""
    for _ in range(max_tabs):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.name") == field:
            return
    raise AssertionError(f"Tab never reached the field {field!r}")


def arrow_to(page, name: str, max_presses: int = 40):
    """In a radio group, press the down arrow until the focused (and so chosen) radio's label contains `name`."""
    for _ in range(max_presses):
        if name in active(page):
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"the arrow keys never reached {name!r}")


def press_and_wait(page, key: str = "Enter"):
    with page.expect_navigation():
        page.keyboard.press(key)


def keyboard_login(page, username: str):
    """Sign in with the keyboard alone; a reviewing role gets an authenticator app first (AS-01)."""
    from people.tests.factories import DEFAULT_PASSWORD

    user = get_user_model().objects.get(username=username)
    if mfa_required_for(user) and not mfa_enrolled(user):
        totp_enrol(user)

    page.goto("/accounts/login/")
    tab_to(page, "Username")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(DEFAULT_PASSWORD)
    press_and_wait(page)
    if page.url.endswith("/accounts/2fa/authenticate/"):
        # A reviewing role's second step: the authenticator app's code, typed with the keyboard too (AS-01).
        tab_to(page, "Code")
        page.keyboard.type(totp_code_for(get_user_model().objects.get(username=username)))
        press_and_wait(page)


@pytest.fixture
def axe_clean():
    script = (Path(__import__("axe_playwright_python").__file__).parent / "axe.min.js").read_text()

    def _check(page):
        page.evaluate(script)
        result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
        found = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
        assert not found, f"{page.url}: {found}"

    return _check


@pytest.mark.django_db(transaction=True)
def test_a_worker_files_a_disclosure_with_the_keyboard_on_a_phone(phone_page, org, axe_clean):
    page = phone_page
    ServiceUserFactory(reference="SU-00042", initials="JB", team=org.north_a)
    keyboard_login(page, "worker")
    page.goto("/disclosures/new/")

    tab_to(page, "Something about me")
    page.keyboard.press("Space")
    tab_to(page, "Continue")
    press_and_wait(page)

    tab_to(page, "Change this")
    page.keyboard.press("Tab")  # into the list of categories
    arrow_to(page, "Gifts, money, bequests or financial dealings")
    tab_to(page, "Continue")
    press_and_wait(page)
    axe_clean(page)

    tab_to(page, "What was offered or given?")
    page.keyboard.type("A box of chocolates")
    tab_to(page, "Roughly how much is it worth, in pounds?")
    page.keyboard.type("12")
    tab_to_field(page, "gift_from_whom")
    arrow_to(page, "The service user")
    page.keyboard.press("Space")
    tab_to_field(page, "gift_response")
    arrow_to(page, "I declined it")
    page.keyboard.press("Space")
    tab_to(page, "Service users involved")
    page.keyboard.type("SU-00042")
    page.wait_for_selector(".autocomplete__option")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Remove SU-00042 · JB").wait_for()
    tab_to(page, "Tell us about it in your own words")
    page.keyboard.type("JB offered me chocolates after my shift.")
    tab_to(page, "Send it now")
    press_and_wait(page)

    page.get_by_role("heading", name="Thank you. It has been sent.").wait_for()
    disclosure = Disclosure.objects.get(reporter=org.worker)
    assert [su.reference for su in disclosure.service_users.all()] == ["SU-00042"]
    axe_clean(page)


@pytest.mark.django_db(transaction=True)
def test_a_manager_acknowledges_and_assesses_a_case_with_the_keyboard_on_a_phone(phone_page, org, axe_clean):
    page = phone_page
    case = gift_case(org)
    keyboard_login(page, "manager")
    page.goto(f"/cases/{case.pk}/")
    axe_clean(page)

    tab_to(page, "Acknowledge the case")
    press_and_wait(page)
    assert Case.objects.get(pk=case.pk).status == Case.Status.FACT_FINDING

    tab_to(page, "Record a risk assessment")
    press_and_wait(page)
    # Sending it empty: the summary takes the focus and names what to do.
    tab_to(page, "Save the risk assessment")
    press_and_wait(page)
    assert page.title().startswith("Error: ")
    assert "There is a problem" in active(page)
    axe_clean(page)

    tab_to(page, "Choose how likely it is to happen or happen again")
    page.keyboard.press("Enter")  # the summary's link moves the focus to the first radio of the group
    assert page.evaluate("document.activeElement.name") == "likelihood"
    arrow_to(page, "3 –")
    tab_to_field(page, "consequence")
    arrow_to(page, "2 –")
    tab_to_field(page, "factor_financial")
    page.keyboard.press("Space")
    tab_to_field(page, "residual_likelihood")
    page.keyboard.press("Space")  # 1, the first
    tab_to_field(page, "residual_consequence")
    arrow_to(page, "2 –")
    tab_to(page, "Save the risk assessment")
    press_and_wait(page)

    assessment = RiskAssessment.objects.get(case=case)
    assert (assessment.likelihood, assessment.consequence, assessment.factor_financial) == (3, 2, True)
    assert (assessment.residual_likelihood, assessment.residual_consequence) == (1, 2)


@pytest.mark.django_db(transaction=True)
def test_a_worker_acknowledges_a_policy_with_the_keyboard_on_a_phone(phone_page, axe_clean):
    page = phone_page
    administrator = UserFactory(username="administrator", roles=[Role.ADMINISTRATOR])
    worker = StaffMemberFactory(
        user=UserFactory(username="worker", roles=[Role.WORKER]), team=TeamFactory(name="North A")
    ).user
    version = import_and_publish(title="Professional boundaries", source=GIFTS_V1, label="1.0", actor=administrator)
    keyboard_login(page, "worker")
    page.goto(f"/policies/{version.policy_id}/")
    axe_clean(page)

    tab_to(page, "Go to the confirmation")  # the text comes first; a link jumps to the confirmation
    tab_to(page, "I have read and understood this policy")
    page.keyboard.press("Space")
    tab_to(page, "Confirm")
    press_and_wait(page)
    assert Acknowledgement.objects.filter(version=version, user=worker).exists()
    axe_clean(page)


@pytest.mark.django_db(transaction=True)
def test_a_committee_member_downloads_a_report_with_the_keyboard_on_a_phone(phone_page, axe_clean):
    page = phone_page
    UserFactory(username="committee", roles=[Role.COMMITTEE_MEMBER])
    team = TeamFactory(name="North A")
    worker = StaffMemberFactory(team=team)
    for day in range(1, 5):
        make_case(team=team, opened=f"2026-05-{day:02d}T09:00", subjects=[worker])
    report_request(quarter=Quarter(2026, 2), trigger="schedule")
    report = QuarterlyReport.objects.get()
    keyboard_login(page, "committee")
    page.goto("/reports/")
    axe_clean(page)

    tab_to(page, "Download the PDF")
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    with open(info.value.path(), "rb") as f:
        assert f.read() == report_file_bytes(report, "pdf")
