"""Browser: accessibility proof (docs/accessibility.md).

- The crawl: every page reachable from each demo persona's dashboard (the admin's included) and each
  form's error state, at 1280 and 390 px, has no axe violation of any impact under the WCAG 2.2 A/AA
  rules with target-size; no page scrolls sideways at 390 or 320 px; a page with form errors has a
  title starting "Error: " and its error summary holds the focus (tests/browser/crawl.py).
- Contrast computed from the browser's own styles: every form control's border is at least 3:1 against
  what is behind it, and the focus indicator reached by Tab has a colour at least 3:1 against both the
  element and the page around it.
"""

import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from accounts.testing import totp_code_for
from cases.tests.factories import gift_case
from tests.browser.crawl import Crawl, login, logout
from tests.browser.crawl_plan import case_keys, case_pages_for

PERSONAS = ["worker", "manager", "senior", "safeguarding", "hr", "guardian", "committee", "auditor", "admin"]


def _code_for(username: str) -> str:
    """The demo login's authenticator-app code now (seed_demo gives each demo login one)."""
    return totp_code_for(get_user_model().objects.get(username=username))


@pytest.mark.django_db(transaction=True)
def test_every_page_of_every_persona_passes_axe_with_wcag_22_at_both_sizes(page, live_server):
    call_command("seed_demo", "--force", "--cases", "10")
    axe_script = (Path(__import__("axe_playwright_python").__file__).parent / "axe.min.js").read_text()
    crawl = Crawl(axe_script=axe_script, case_keys=case_keys())
    started = time.monotonic()
    crawl.run(page, "anonymous", live_server.url, "/accounts/login/", ["/accounts/password_reset/"])
    for persona in PERSONAS:
        login(page, live_server.url, persona, "boundaries-demo", code_for=_code_for)
        crawl.include_admin = persona == "admin"
        crawl.run(page, persona, live_server.url, "/", case_pages_for(persona))
        logout(page)
    took = time.monotonic() - started
    print(f"\naccessibility crawl: {len(crawl.pages)} pages, {len(crawl.error_states)} error states in {took:.0f}s")
    assert len(crawl.pages) > 40 and len(crawl.error_states) > 10, "the crawl reached too little to prove anything"
    reached = {url.split("?")[0] for _, url in crawl.pages}
    for expected in ("/cases/", "/disclosures/new/", "/policies/", "/reports/", "/audit/", "/admin/"):
        assert expected in reached, f"the crawl never reached {expected}"
    assert not crawl.problems, "\n".join(str(p) for p in crawl.problems)


CONTRAST_JS = """
() => {
  function parse(colour) {
    const m = colour.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  }
  function lum(c) {
    const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  }
  function ratio(a, b) {
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  }
  function background(el) {
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const c = parse(getComputedStyle(node).backgroundColor);
      if (c && c.a > 0.5) return c;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  }
  window.__contrast = { parse, ratio, background };
}
"""

BORDERS_JS = """
() => {
  const { parse, ratio, background } = window.__contrast;
  const out = [];
  const selector = "input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea";
  document.querySelectorAll(selector).forEach(el => {
    const style = getComputedStyle(el);
    if (el.offsetParent === null || style.visibility === "hidden") return;
    if (parseFloat(style.borderTopWidth) === 0) { out.push([el.id || el.name, 0, "no border"]); return; }
    const border = parse(style.borderTopColor);
    const behind = background(el.parentElement);
    out.push([el.id || el.name, ratio(border, behind), style.borderTopColor]);
  });
  return out;
}
"""

FOCUS_JS = """
() => {
  const { parse, ratio, background } = window.__contrast;
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const colours = [];
  if (parseFloat(style.outlineWidth) >= 2 && style.outlineStyle !== "none") colours.push(parse(style.outlineColor));
  (style.boxShadow.match(/rgba?\\([^)]+\\)/g) || []).forEach(c => colours.push(parse(c)));
  const element = background(el);
  const page = background(el.parentElement);
  const best = Math.max(0, ...colours.filter(Boolean).map(c => Math.min(ratio(c, element), ratio(c, page))));
  return [el.tagName + (el.id ? "#" + el.id : "") + " " + (el.textContent || el.name || "").trim().slice(0, 30), best];
}
"""


def _borders_and_focus(page, problems, label, tabs=40):
    page.evaluate(CONTRAST_JS)
    for name, ratio, colour in page.evaluate(BORDERS_JS):
        if ratio < 3:
            problems.append(f"{label}: border of {name} is {ratio:.2f}:1 ({colour})")
    page.locator("body").focus()
    page.mouse.click(1, 1)  # start the Tab order from the top of the page
    for _ in range(tabs):
        page.keyboard.press("Tab")
        result = page.evaluate(FOCUS_JS)
        if result and result[1] < 3:
            problems.append(f"{label}: focus on {result[0]} is {result[1]:.2f}:1")


@pytest.mark.django_db(transaction=True)
def test_every_form_control_border_and_the_focus_indicator_reach_3_to_1(page, phone_page, org, login):
    """WCAG 1.4.11 and the issue's 'focus ≥ 3:1 against both the element and the page', from computed styles."""
    case = gift_case(org)
    problems = []
    page.goto("/accounts/login/")
    _borders_and_focus(page, problems, "login", tabs=8)
    login(page, "manager")
    for path in ("/", "/cases/", f"/cases/{case.pk}/", f"/cases/{case.pk}/escalate/", "/policies/"):
        page.goto(path)
        _borders_and_focus(page, problems, path)
    page.goto(f"/cases/{case.pk}/acknowledge/")
    page.get_by_role("button", name="Acknowledge").click()
    page.goto(f"/cases/{case.pk}/assess/")
    _borders_and_focus(page, problems, "assess", tabs=60)
    login(phone_page, "worker")
    phone_page.goto("/disclosures/new/")
    _borders_and_focus(phone_page, problems, "phone: disclosure step 1", tabs=20)
    assert not problems, "\n".join(problems)
