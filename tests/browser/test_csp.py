"""HT-03: every page each demo persona can reach runs under the Content-Security-Policy without a
single violation (no inline script or style, nothing from elsewhere)."""

import re
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command

from demo.context import DEFAULT_PASSWORD as DEMO_PASSWORD

PERSONAS = ["worker", "manager", "senior", "safeguarding", "hr", "guardian", "committee", "auditor", "admin"]
# Links a crawler must not follow: signing out, files (they need re-authentication and are not pages).
SKIP = re.compile(r"/accounts/logout/|\.(csv|pdf|xlsx)$|/download|/export|/accounts/2fa/.*/(deactivate|remove)")
MAX_PAGES = 45

COLLECT_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI + " on " + location.pathname);
});
"""


def _shape(path: str) -> str:
    """One visit per kind of page: /cases/12/ and /cases/13/ are the same page."""
    return re.sub(r"\d+", "N", path)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_page_of_any_persona_breaks_the_content_security_policy(browser, live_server, login):
    call_command("seed_demo", "--force", "--cases", "12")
    _the_detector_sees_an_inline_script(browser, live_server)
    problems, total = [], 0
    for persona in PERSONAS:
        context = browser.new_context(base_url=live_server.url)
        context.add_init_script(COLLECT_VIOLATIONS)
        page = context.new_page()
        console = []
        page.on(
            "console",
            lambda message, console=console: (
                console.append(message.text)
                if "Content Security Policy" in message.text or "Refused to" in message.text
                else None
            ),
        )
        login(page, persona, DEMO_PASSWORD)
        assert "/accounts/" not in urlsplit(page.url).path, f"{persona} did not get in: {page.url}"

        queue, seen, visited = ["/"], {_shape("/")}, 0
        while queue and visited < MAX_PAGES:
            path = queue.pop(0)
            response = page.goto(path)
            visited += 1
            if response is None or response.status >= 400 or not urlsplit(page.url).path.startswith("/"):
                continue
            violations = page.evaluate("window.__csp || []")
            problems += [f"{persona}: {v}" for v in violations]
            header = response.headers.get("content-security-policy", "")
            if "text/html" in response.headers.get("content-type", "") and "object-src 'none'" not in header:
                problems.append(f"{persona}: no policy on {path}")
            for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
                url, _ = urldefrag(href)
                parts = urlsplit(url)
                if not url.startswith(live_server.url) or SKIP.search(parts.path):
                    continue
                local = parts.path + (f"?{parts.query}" if parts.query else "")
                if _shape(parts.path) not in seen:
                    seen.add(_shape(parts.path))
                    queue.append(local)
        problems += [f"{persona}: {line}" for line in console]
        assert visited > 1, f"{persona} found no pages to visit"
        total += visited
        context.close()
    assert not problems, "\n".join(problems)
    assert total > 9 * 5


def _the_detector_sees_an_inline_script(browser, live_server):
    """Prove the check can fail: an inline script without the nonce is reported."""
    context = browser.new_context(base_url=live_server.url)
    context.add_init_script(COLLECT_VIOLATIONS)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.x = 1'; "
        "document.body.appendChild(s); }"
    )
    page.wait_for_function("window.__csp.length > 0")
    assert page.evaluate("window.x") is None
    context.close()
