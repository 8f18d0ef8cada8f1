"""The accessibility crawl: every page reachable from a persona's dashboard, and each form's
error state, checked by axe-core with the WCAG 2.2 A/AA rules (target-size included) at 1280 and at
390 px, and for sideways scrolling at 320 and 390 px.

Used by tests/browser/test_accessibility_crawl.py and by bin/a11y-crawl (the same crawl against a
running server, for a quick look while changing templates). Pages are deduplicated by URL pattern
(numbers become {n}); a case page counts once per case status, since each status shows other moves.
"""

import re
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "rules": {"target-size": {"enabled": True}},
    "resultTypes": ["violations"],
}
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
NARROW = {"width": 320, "height": 720}

# Never followed: leaving, downloads, fragments loaded into a page, other people's sign-in pages.
SKIP = re.compile(
    r"(/accounts/logout/|/accounts/password_reset|/attachments/|\.pdf$|\.csv$|\.xlsx$|/export|/guidance/$"
    r"|/healthz|/admin/logout/|/admin/password_change/|/history/$|/delete/$|/admin/jsi18n/|/static/|/media/)"
)
ADMIN = re.compile(r"^/admin/")


def pattern(path: str) -> str:
    return re.sub(r"\d+", "{n}", path)


@dataclass
class Problem:
    persona: str
    url: str
    size: str
    rule: str
    impact: str
    targets: list

    def __str__(self):
        return f"{self.persona} {self.size} {self.url}: {self.rule} ({self.impact}) {self.targets[:3]}"


@dataclass
class Crawl:
    axe_script: str
    case_keys: dict = field(default_factory=dict)  # "/cases/12/" -> "/cases/{n}/ closed"
    seen: set = field(default_factory=set)
    problems: list = field(default_factory=list)
    pages: list = field(default_factory=list)
    error_states: list = field(default_factory=list)
    include_admin: bool = False

    def key(self, path: str) -> str:
        return self.case_keys.get(path) or pattern(path)

    def check(self, page, persona: str, label: str):
        """axe at both sizes; no sideways scrolling at 390 and 320 px."""
        for name, size in (("1280", DESKTOP), ("390", PHONE)):
            page.set_viewport_size(size)
            if not page.evaluate("typeof window.axe !== 'undefined'"):
                page.evaluate(self.axe_script)
            result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
            for violation in result["violations"]:
                targets = [node["target"] for node in violation["nodes"]]
                self.problems.append(Problem(persona, label, name, violation["id"], violation["impact"], targets))
        for name, size in (("390", PHONE), ("320", NARROW)):
            page.set_viewport_size(size)
            wide = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            if wide > 0:
                self.problems.append(Problem(persona, label, name, "sideways-scroll", "serious", [f"{wide}px"]))
        page.set_viewport_size(DESKTOP)

    def links(self, page, base: str) -> list[str]:
        hrefs = page.eval_on_selector_all("a[href]:not([download])", "nodes => nodes.map(n => n.getAttribute('href'))")
        found = []
        for href in hrefs:
            if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
                continue
            url = urljoin(page.url, href)
            parts = urlsplit(url)
            if not url.startswith(base) or SKIP.search(parts.path):
                continue
            if ADMIN.match(parts.path) and not self.include_admin:
                continue
            found.append(parts.path + (f"?{parts.query}" if parts.query and "page=" in parts.query else ""))
        return found

    def error_state(self, page, persona: str, label: str):
        """Empty the first form that posts and has fields, send it, and check the page that answers."""
        form = page.query_selector(
            "main form[method=post]:has(textarea, input[type=text], input[type=date], input[type=radio], "
            "input[type=checkbox], select, input[type=email], input[type=password]), "
            "#content form[method=post]:has(input[type=text], textarea, select)"
        )
        if form is None:
            return
        action = form.get_attribute("action") or urlsplit(page.url).path
        key = ("error", pattern(urljoin(page.url, action)))
        if key in self.seen:
            return
        self.seen.add(key)
        form.evaluate(
            """form => {
                form.setAttribute('novalidate', '');
                for (const el of form.elements) {
                    if (el.type === 'hidden' || el.type === 'submit' || el.type === 'button') continue;
                    if (el.type === 'radio' || el.type === 'checkbox') el.checked = false;
                    else if (el.tagName === 'SELECT') { el.selectedIndex = -1; }
                    else el.value = '';
                }
            }"""
        )
        button = form.query_selector("button[type=submit]:not([name=action][value=draft]), input[type=submit]")
        if button is None:
            return
        try:
            with page.expect_navigation(timeout=20_000):
                button.click()
        except PlaywrightTimeoutError:
            return  # the browser stayed on the page (a download, or the browser's own check): no error page
        if page.query_selector("#error-summary, .errornote") is None:
            return  # nothing was required (or the form saved): not an error state
        self.error_states.append((persona, label))
        title = page.title()
        if not title.startswith("Error: "):
            self.problems.append(Problem(persona, label + " (error)", "-", "error-title", "serious", [title]))
        if page.query_selector("#error-summary") and not page.evaluate(
            "document.activeElement && document.activeElement.id === 'error-summary'"
        ):
            self.problems.append(Problem(persona, label + " (error)", "-", "error-focus", "serious", []))
        self.check(page, persona, label + " (error)")

    def run(self, page, persona: str, base: str, start: str = "/", extra: list[str] = ()) -> None:
        queue = [start, *extra]
        mine = set()  # each persona's own dashboard is checked; everything else once per pattern
        while queue:
            path = queue.pop(0)
            key = self.key(urlsplit(path).path) + (" page" if "page=" in path else "")
            if key in mine or (key in self.seen and path != start):
                continue
            self.seen.add(key)
            mine.add(key)
            response = page.goto(base + path)
            if (
                response is None
                or response.status >= 400
                or "text/html" not in response.headers.get("content-type", "")
            ):
                continue
            label = page.url[len(base) :]
            self.pages.append((persona, label))
            self.check(page, persona, label)
            queue.extend(self.links(page, base))
            self.error_state(page, persona, label)


def login(page, base: str, username: str, password: str, code_for=None) -> None:
    """Sign in through the log-in form; `code_for(username)` answers the second step when it is asked
    (the tests pass one; a running demo site with the demo shortcut never asks)."""
    page.goto(base + "/accounts/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    if page.url.endswith("/accounts/2fa/authenticate/") and code_for is not None:
        page.get_by_label("Code").fill(code_for(username))
        with page.expect_navigation():
            page.click("main button[type=submit]")


def logout(page) -> None:
    page.context.clear_cookies()


def timed(fn, *args, **kwargs):
    started = time.monotonic()
    fn(*args, **kwargs)
    return time.monotonic() - started
