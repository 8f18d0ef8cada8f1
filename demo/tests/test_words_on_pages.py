"""The words on every page a demo persona can reach: labels, not stored codes; one UK date style; the
organisation's policy clauses, never an internal reference ("seed 002 §7.4", "docs/imports.md").

The demo is seeded once for the module (demo/tests/conftest.py). For each persona the test walks the
links from the dashboard (and the menu on it), plus one case page per status among the cases the persona
may see, one disclosure of each status, the registers and the reports, and reads each page's visible
text: what a person sees, not attributes or hidden inputs (a <time datetime="2026-07-17"> is fine).
"""

import re
import time
from html.parser import HTMLParser
from io import StringIO
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase, override_settings

from cases.models import Case
from cases.selectors import case_list_for
from disclosures.models import Disclosure

pytestmark = pytest.mark.django_db

PERSONAS = ["worker", "manager", "senior", "safeguarding", "hr", "guardian", "committee", "auditor", "admin"]

# Never followed: leaving, downloads, fragments, the admin (Django's own pages, checked by hand).
SKIP = re.compile(
    r"(/accounts/logout/|/attachments/|\.pdf$|\.csv$|\.xlsx$|/export|/download|/healthz|/admin/|/static/|/media/"
    r"|/history/$)"
)

ISO_DATE = re.compile(r"\b(19|20)\d\d-[01]\d-[0-3]\d\b")
# An internal reference: a seed file and clause, a docs file, or a seed-style "(002 §10.1)".
INTERNAL = re.compile(r"seed 0\d\d|\b0\d\d §\s?\d|docs/[\w-]+\.md|\bDESIGN §")


def raw_codes() -> set[str]:
    """Stored choice values that differ from their label and could be mistaken for nothing else on a page:
    codes with an underscore ("fixed_term", "self_declaration") and a handful of one-word codes whose
    label is different ("romantic", "during", "carer") seen on pages before, checked case-sensitively
    after a label word (see test below)."""
    from django.apps import apps

    codes = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for value, label in getattr(field, "flatchoices", None) or []:
                if isinstance(value, str) and "_" in value and value != label and len(value) > 4:
                    codes.add(value)
    return codes


# One-word stored values shown raw before ("Kind romantic", "Began during", "From whom carer").
RAW_AFTER_LABEL = re.compile(
    r"\b(Kind|Began|From whom|Response|Counterpart|Status|Priority|Category|Part|Role)\s*:?\s+"
    r"(romantic|friendship|family|business|before|during|carer|service_user|colleague|declined|kept|"
    r"returned|donated|open|ended|managed|declared|new|fact_finding|urgent|high|medium|low)\b"
)


class _Text(HTMLParser):
    """The visible text of a page and its links (no script, style, template or hidden elements)."""

    # <code> holds identifiers shown verbatim on purpose: the audit trail's recorded action codes and
    # request ids, which the Auditor / DPO searches by. Everything else is read.
    HIDDEN = {"script", "style", "template", "noscript", "code"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.HIDDEN or "hidden" in attrs:
            self._hidden += 1
        if tag == "a" and attrs.get("href") and "download" not in attrs:
            self.links.append(attrs["href"])
        if tag in {"p", "div", "li", "td", "th", "dd", "dt", "h1", "h2", "h3", "br", "option", "label"}:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if (tag in self.HIDDEN) and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)

    @property
    def text(self) -> str:
        return re.sub(r"[ \t]+", " ", "".join(self.parts))


def _pattern(path: str) -> str:
    return re.sub(r"\d+", "{n}", path)


def _start_pages(username: str) -> list[str]:
    """One case per status the persona may see, and one disclosure per status they filed."""
    user = get_user_model().objects.get(username=username)
    pages = ["/"]
    first: dict[str, int] = {}
    for pk, status in case_list_for(user).order_by("pk").values_list("pk", "status"):
        first.setdefault(status, pk)
    pages += [f"/cases/{pk}/" for pk in first.values()]
    mine: dict[str, int] = {}
    for pk, status in Disclosure.objects.filter(reporter__user=user).order_by("pk").values_list("pk", "status"):
        mine.setdefault(status, pk)
    pages += [f"/disclosures/{pk}/" for pk in mine.values()]
    return pages


def _crawl(client, persona: str, limit: int = 120) -> dict[str, str]:
    """Path -> visible text of every page reached, one page per URL pattern (and per case status)."""
    statuses = dict(Case.objects.values_list("pk", "status"))
    queue, seen, pages = _start_pages(persona), set(), {}
    while queue and len(pages) < limit:
        path = queue.pop(0)
        match = re.match(r"^/cases/(\d+)/$", path)
        # One page per URL pattern and set of query parameters (not their values), one case per status.
        url = urlsplit(path)
        params = ",".join(sorted(name.split("=")[0] for name in url.query.split("&") if name))
        key = f"case {statuses.get(int(match.group(1)))}" if match else f"{_pattern(url.path)}?{params}"
        if key in seen:
            continue
        seen.add(key)
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = _Text()
        parser.feed(response.content.decode())
        pages[path] = parser.text
        for href in parser.links:
            if href.startswith(("#", "mailto:", "tel:", "javascript:")):
                continue
            url = urlsplit(urljoin("http://testserver" + path, href))
            if url.netloc != "testserver" or SKIP.search(url.path):
                continue
            queue.append(url.path + (f"?{url.query}" if url.query else ""))
    return pages


@pytest.fixture(scope="module")
def seeded(module_transaction, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(DEBUG=True), TestCase.captureOnCommitCallbacks(execute=True):
        call_command("seed_demo", "--cases", "10", stdout=StringIO())


@pytest.fixture(scope="module")
def crawled(seeded, django_db_blocker):
    from django.test import Client

    started = time.monotonic()
    result = {}
    with django_db_blocker.unblock():
        for persona in PERSONAS:
            client = Client()
            client.force_login(get_user_model().objects.get(username=persona))
            result[persona] = _crawl(client, persona)
    print(f"\nwords crawl: {sum(len(p) for p in result.values())} pages in {time.monotonic() - started:.0f}s")
    return result


def _problems(crawled, finder) -> list[str]:
    found = []
    for persona, pages in crawled.items():
        for path, text in pages.items():
            for line in text.splitlines():
                hit = finder(line)
                if hit:
                    found.append(f"{persona} {path}: {hit!r} in {line.strip()[:160]!r}")
    return found


def test_the_crawl_reaches_every_kind_of_page(crawled):
    reached = {_pattern(path.split("?")[0]) for pages in crawled.values() for path in pages}
    for expected in (
        "/",
        "/cases/",
        "/cases/{n}/",
        "/disclosures/",
        "/disclosures/{n}/",
        "/policies/",
        "/policies/{n}/",
        "/registers/gifts/",
        "/registers/relationships/",
        "/reports/",
        "/audit/",
    ):
        assert expected in reached, f"the crawl never reached {expected}"
    assert sum(len(pages) for pages in crawled.values()) > 80


def test_no_page_shows_an_iso_date(crawled):
    problems = _problems(crawled, lambda line: (m := ISO_DATE.search(line)) and m.group(0))
    assert not problems, "\n".join(problems[:40])


def test_no_page_shows_an_internal_reference(crawled):
    problems = _problems(crawled, lambda line: (m := INTERNAL.search(line)) and m.group(0))
    assert not problems, "\n".join(problems[:40])


def test_no_page_shows_a_stored_code(crawled):
    codes = raw_codes()
    word = re.compile(
        r"(?<![\w/.-])(" + "|".join(sorted(map(re.escape, codes), key=len, reverse=True)) + r")(?![\w/-])"
    )

    def finder(line):
        m = word.search(line) or RAW_AFTER_LABEL.search(line)
        return m and m.group(0)

    problems = _problems(crawled, finder)
    assert not problems, "\n".join(problems[:40])


def _rows_shown(client, url: str) -> int:
    """How many items the page behind a dashboard link lists."""
    page = client.get(url).content.decode()
    if url.startswith("/cases/?"):
        return int(re.search(r'id="results-title">(\d+) case', page).group(1))
    if url.startswith("/actions/"):
        return len(re.findall(r'aria-labelledby="action-\d+-title"', page))
    if url.startswith("/cases/notices/"):
        return len(re.findall(r'aria-labelledby="notice-\d+-title"', page))
    if url.startswith("/policies/#waiting"):
        box = page[page.index('id="waiting"') :].split("</div>")[0]
        return box.count("<li>")
    raise AssertionError(f"no way to count the rows of {url}")


def test_every_dashboard_count_matches_the_list_behind_its_link(seeded):
    """ "3 cases past their acknowledgement date" opens a list of exactly those three, for every persona."""
    from django.test import Client

    checked = set()
    for persona in PERSONAS:
        client = Client()
        client.force_login(get_user_model().objects.get(username=persona))
        page = client.get("/").content.decode()
        section = page[page.index('id="waiting-for-you"') :].split("</section>")[0] if "waiting-for-you" in page else ""
        for url, count in re.findall(r'<a href="([^"]+)">(\d+) ', section):
            url = url.replace("&amp;", "&")
            if url in ("/cases/patterns/", "/policies/reviews/"):
                continue  # pages of their own: the patterns found and the reviews due, each listing more
            shown = _rows_shown(client, url)
            assert shown == int(count), f"{persona}: {url} counts {count} but lists {shown}"
            checked.add(url.split("?")[0] + ("?" + url.split("?")[1].split("=")[0] if "?" in url else ""))
    assert len(checked) >= 3, checked


def test_no_e_mail_shows_an_iso_date_or_an_internal_reference(seeded):
    from notifications.models import OutboxMessage
    from notifications.services import outbox_render

    seen = set()
    for message in OutboxMessage.objects.select_related("recipient").order_by("template", "pk"):
        if message.template in seen:
            continue
        seen.add(message.template)
        subject, body = outbox_render(message=message)
        text = subject + "\n" + body
        assert not ISO_DATE.search(text.replace(message.link, "")), (message.template, text)
        assert not INTERNAL.search(text), (message.template, text)
    assert len(seen) >= 4


def test_the_safety_net_is_empty_in_the_demo(seeded):
    """Every open case of the demo is with someone who can act on it: leavers were re-routed as they left."""
    from cases.selectors import case_list_reviewer_cannot_act

    for persona in ("safeguarding", "senior"):
        user = get_user_model().objects.get(username=persona)
        assert case_list_reviewer_cannot_act(user=user) == [], persona
