"""Browser: the DPO's request pages (/privacy/requests/). Every page reachable from the list, and each form's
error state, passes axe with the WCAG 2.2 A/AA rules at 1280 and 390 px without sideways scrolling (the same
crawl as tests/browser/test_accessibility.py, kept to /privacy/); then the DPO opens a record of the draft,
releases the copy and downloads the ZIP."""

import io
import re
import zipfile
from pathlib import Path

import pytest

from core.roles import Role
from people.tests.factories import ServiceUserFactory, StaffMemberFactory, TeamFactory, UserFactory
from privacy.models import RightsRequest
from privacy.requests.erasure import apply_restriction
from privacy.tests.factories import concern_about, log_request
from tests.browser.crawl import Crawl


class PrivacyCrawl(Crawl):
    """The crawl, following only links inside /privacy/; each request's page is checked (each kind shows other
    forms), not one per URL pattern."""

    def key(self, path):
        return path if re.fullmatch(r"/privacy/requests/\d+/", path) else super().key(path)

    def links(self, page, base):
        return [path for path in super().links(page, base) if path.startswith("/privacy/")]


@pytest.mark.django_db(transaction=True)
def test_the_dpo_prepares_and_releases_a_copy_and_every_requests_page_passes_axe(page, live_server, login):
    """AC-07 (only the DPO), AU-01 (each reading audited): the DPO's journey through a subject-access request."""
    auditor = UserFactory(username="auditor", roles=[Role.AUDITOR])
    team = TeamFactory(name="North A")
    manager = StaffMemberFactory(
        team=team, user=UserFactory(username="manager", roles=[Role.WORKER, Role.LINE_MANAGER])
    )
    worker = StaffMemberFactory(team=team, line_manager=manager)
    colleague = StaffMemberFactory(team=team, line_manager=manager)
    service_user = ServiceUserFactory(team=team)
    case = concern_about(worker, reporter=colleague, service_users=[service_user])
    access = log_request(actor=auditor, person=worker)
    others = [log_request(actor=auditor, person=worker, kind=kind) for kind in
              (RightsRequest.Kind.RECTIFICATION, RightsRequest.Kind.ERASURE, RightsRequest.Kind.RESTRICTION,
               RightsRequest.Kind.OBJECTION)]  # fmt: skip
    log_request(actor=auditor, person=service_user)
    # A restriction in force: its request page offers "Lift the restriction" (checked with axe too).
    restricted = log_request(actor=auditor, person=colleague, kind=RightsRequest.Kind.RESTRICTION)
    apply_restriction(request=restricted, actor=auditor, reason="While the accuracy is checked.")
    others.append(restricted)

    login(page, "auditor")
    axe_script = (Path(__import__("axe_playwright_python").__file__).parent / "axe.min.js").read_text()
    crawl = PrivacyCrawl(axe_script=axe_script)
    extra = [f"/privacy/requests/{rr.pk}/" for rr in others]
    extra += [f"/privacy/requests/{access.pk}/copy/case:{case.pk}/", f"/privacy/who-looked/?person=staff:{worker.pk}"]
    crawl.run(page, "auditor", live_server.url, "/privacy/requests/", extra)
    reached = {url.split("?")[0] for _, url in crawl.pages}
    expected_pages = ["/privacy/requests/", "/privacy/requests/new/", f"/privacy/requests/{access.pk}/copy/",
                      "/privacy/who-looked/"] + [f"/privacy/requests/{rr.pk}/" for rr in [access, *others]]  # fmt: skip
    for expected in expected_pages:
        assert expected in reached, f"the crawl never reached {expected}"
    assert len(crawl.error_states) >= 3, crawl.error_states
    assert not crawl.problems, "\n".join(str(p) for p in crawl.problems)

    page.goto(f"/privacy/requests/{access.pk}/")
    page.get_by_role("link", name="Open the draft copy").click()
    page.get_by_role("link", name=f"Case {case.reference}").click()
    assert page.get_by_role("heading", name=f"Case {case.reference}", level=1).is_visible()
    assert page.get_by_text("the reviewer").first.is_visible()
    page.get_by_role("link", name="Draft copy").click()
    page.get_by_role("link", name=f"Disclosure {case.disclosures.get().reference}").click()
    assert page.get_by_text("the person who raised it").first.is_visible()
    page.get_by_role("link", name="Draft copy").click()
    page.get_by_role("button", name="Release the copy").click()
    page.wait_for_load_state()
    assert page.get_by_text("The copy is released").is_visible()
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the released copy (ZIP)").click()
    with open(info.value.path(), "rb") as f:
        names = zipfile.ZipFile(io.BytesIO(f.read())).namelist()
    assert sorted(names) == ["copy-of-your-records.json", "copy-of-your-records.pdf"]
