"""Browser: the safeguarding lead places a legal hold; the DPO reads /privacy/retention/ and runs a dry
run; axe-core with the WCAG 2.2 A/AA rules (target-size included), any impact, at 1280 and 390 px, on
every page and on the hold form's error state (docs/retention.md)."""

from pathlib import Path

import pytest

from cases.models import Outcome
from cases.tests.factories import close, concern_case
from privacy.models import CaseGroup, RecordType, RetentionRule
from tests.browser.crawl import AXE_OPTIONS, DESKTOP, PHONE, logout

# What sticks out at the right edge, outside the scrolling table regions: named when the page scrolls sideways.
WIDE_JS = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-responsive'))
  .slice(0, 5).map(e => e.tagName + '.' + e.className)"""


def _axe(page, axe_script: str) -> None:
    """No violation of any impact, at desktop and phone width; no sideways scrolling on the phone."""
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(axe_script)
        result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
        problems = [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in result["violations"]]
        assert not problems, f"{page.url} at {size['width']} px:\n" + "\n".join(problems)
        if size is PHONE:
            wide = page.evaluate(WIDE_JS)
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), (page.url, wide)
    page.set_viewport_size(DESKTOP)


@pytest.mark.django_db(transaction=True)
def test_the_safeguarding_lead_holds_a_case_and_the_dpo_sees_it_and_a_dry_run(page, org, login):
    axe_script = (Path(__import__("axe_playwright_python").__file__).parent / "axe.min.js").read_text()
    # Unfounded allegations fall due at once for this test, so the pages have something to show.
    RetentionRule.objects.filter(
        record_type=RecordType.CASE_RECORDS, case_group=CaseGroup.UNFOUNDED_OR_MALICIOUS
    ).update(period_months=0)
    due = close(concern_case(org), org.manager.user, Outcome.UNFOUNDED)
    held = close(concern_case(org), org.manager.user, Outcome.UNFOUNDED)

    login(page, "safeguarding")
    page.get_by_role("link", name="Legal holds").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Legal holds", level=1).is_visible()
    _axe(page, axe_script)
    page.get_by_role("link", name="Place a legal hold").click()
    page.wait_for_load_state()
    page.get_by_label("A case").check()
    page.get_by_label("Reference").fill("C-1999-00001")
    page.get_by_role("button", name="Place the hold").click()
    page.wait_for_load_state()
    assert page.title().startswith("Error: ")
    assert page.get_by_text("There is no case with that reference.").first.is_visible()
    _axe(page, axe_script)
    page.get_by_label("Reference").fill(held.reference)
    page.get_by_label("Why the records must be kept").fill("Employment tribunal claim.")
    page.get_by_label("Review the hold on").fill("2031-03-31")
    page.get_by_role("button", name="Place the hold").click()
    page.wait_for_load_state()
    assert page.get_by_text(f"The hold on case {held.reference} is in place.").is_visible()
    _axe(page, axe_script)
    logout(page)

    login(page, "auditor")
    page.get_by_role("link", name="Retention").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Retention", level=1).is_visible()
    assert page.get_by_role("cell", name=due.reference).is_visible()
    assert page.get_by_text("Employment tribunal claim.").is_visible()
    assert page.get_by_text("31 March 2031").first.is_visible()
    _axe(page, axe_script)
    page.get_by_role("button", name="Show what would be removed").click()
    page.wait_for_load_state()
    plan = page.get_by_role("table", name="Records the next run would remove or anonymise")
    assert plan.get_by_role("cell", name=due.reference, exact=False).is_visible()
    assert plan.get_by_text(held.reference).count() == 0
    assert plan.get_by_text("1 disclosure").first.is_visible()
    _axe(page, axe_script)
