"""IN-01: property-based fuzzing of every form and filter the product offers. 0 server errors.

The forms are not listed by hand, so a new one cannot be missed: each persona (the worker who raised a
concern, its subject, the reviewer, a senior manager, the safeguarding lead, HR, the guardian, the
committee member, the auditor, the administrator) walks the pages they are offered, from the dashboard,
and every <form> found on them (its action, method and fields, as the browser would send them) is posted,
or for a filter sent as a query, with values Hypothesis generates: numbers far beyond any id or integer
column, negatives, unicode and NUL bytes, long text, dates from year 1 to 9999 in both spellings, lists
where one value is expected, missing fields, and the page's own choices and version (so the deeper checks
run too). Every answer must be below 500; the test client re-raises any exception a view lets escape.

Runs on SQLite and on PostgreSQL (DATABASE_URL); NUL bytes in text are the classic PostgreSQL 500. How
many examples per form: FUZZ_EXAMPLES (default 6: about a minute and a half on PostgreSQL on a small
machine; 200 in a nightly run). A form several personas are offered (changing one's password, the first
step of a disclosure, the queue's filters) is fuzzed once, as the first of them.
"""

from __future__ import annotations

import datetime
import os
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_case_access import world  # noqa: F401  (the fixture: a case in ACTION_PLAN, its people)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
PERSONAS = ["reporter", "subject", "reviewer", "senior", "safeguarding", "hr_after", "guardian", "committee",
            "auditor", "administrator"]  # fmt: skip
# Not walked: signing out ends the walk; the Django admin and django-allauth's pages are the libraries' own
# forms; downloads are not forms.
SKIP = re.compile(
    r"/logout|^/admin/|^/accounts/(?!login/|password_reset/|password_change|mfa/resets)|\.(csv|pdf|xlsx)$|download|export"
)
MAX_PAGES = 60


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name -> values the page offers

    def key(self):
        return (self.method, _route(self.action), tuple(sorted(self.fields)))


class _Parser(HTMLParser):
    def __init__(self, page: str):
        super().__init__()
        self.page = page
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and (a.get("href") or "").startswith("/"):
            self.links.append(a["href"].split("#")[0])
        elif tag == "form":
            self.forms.append(Form(action=a.get("action") or self.page, method=(a.get("method") or "get").lower()))
        elif self.forms and tag in ("input", "textarea", "select", "button") and a.get("name"):
            if a.get("type") == "file":
                return
            values = self.forms[-1].fields.setdefault(a["name"], [])
            if a.get("value") is not None:
                values.append(a["value"])
            self._select = a["name"] if tag == "select" else None
        elif tag == "option" and self.forms and self._select:
            self.forms[-1].fields[self._select].append(a.get("value", ""))


def _route(path: str) -> str:
    try:
        return resolve(urlsplit(path).path).view_name
    except Resolver404:
        return path


def _walk(client, start: str = "/") -> list[Form]:
    """Every form on every page the persona can reach from the start page (breadth first)."""
    seen_pages: set[str] = set()
    seen_routes: dict[str, int] = {}
    queue = [start]
    forms: dict[tuple, Form] = {}
    while queue and len(seen_pages) < MAX_PAGES:
        page = queue.pop(0)
        route = _route(page)
        # One page of each kind is enough (the second case page has the same forms).
        if page in seen_pages or SKIP.search(urlsplit(page).path) or seen_routes.get(route, 0) >= 1:
            continue
        seen_pages.add(page)
        seen_routes[route] = seen_routes.get(route, 0) + 1
        response = client.get(page)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = _Parser(urlsplit(page).path)
        parser.feed(response.content.decode())
        for form in parser.forms:
            if not SKIP.search(urlsplit(form.action).path):
                forms.setdefault(form.key(), form)
        queue.extend(link for link in parser.links if link not in seen_pages)
    return list(forms.values())


# What Hypothesis sends ----------------------------------------------------------------------------

_dates = st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31))
NASTY = st.one_of(
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.text(max_size=40),  # any unicode, NUL and other control characters included
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=3).map(lambda s: s * 4000),
    _dates.map(lambda d: d.isoformat()),
    _dates.map(lambda d: f"{d.day}/{d.month}/{d.year}"),
    st.sampled_from(["", " ", "\x00", "0", "-1", "1e309", "NaN", "inf", "31/02/2026", "00/00/0000", "yes",
                     "on", "true", "None", "[]", "{}", "<script>alert(1)</script>", "' OR 1=1 --", "../../etc"]),
)  # fmt: skip


@st.composite
def form_data(draw, form: Form) -> dict[str, list[str]]:
    data = {}
    for name, offered in form.fields.items():
        choice = draw(st.integers(0, 9))
        if choice == 0:
            continue  # left out
        if offered and choice <= 4:
            data[name] = [draw(st.sampled_from(offered))]  # what the page offers (the real version too)
        elif choice == 9:
            data[name] = draw(st.lists(NASTY, min_size=2, max_size=3))
        else:
            data[name] = [draw(NASTY)]
    return data


def _fuzz(client, user, form: Form):
    """Hypothesis sends the form many times; the first answer of 500 or more fails with its example."""

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=form_data(form))
    def send(data):
        if user is not None:
            client.force_login(user)
        send_as = client.post if form.method == "post" else client.get
        response = send_as(form.action, data)
        assert response.status_code < 500, (user, form.action, data)

    send()


@pytest.fixture
def more(world, org):  # noqa: F811
    """What brings the remaining forms onto the pages: the reporter's draft (the whole details form), a
    policy with two published versions (acknowledge, compare), a pattern for the safeguarding lead, a second
    factor reset waiting for a second person. Returns the forms no page links to."""
    from accounts.services import mfa_reset_request
    from cases.models import PatternAlert, PatternRule
    from disclosures.services import disclosure_draft_save
    from disclosures.tests.factories import category
    from policies.models import BoundaryCategory, DisclosureKind
    from policies.tests.factories import GIFTS_V1, import_and_publish

    disclosure_draft_save(
        reporter=org.worker, kind=DisclosureKind.SELF_DECLARATION, category=category("gifts-money"), narrative="Draft"
    )
    import_and_publish(source=GIFTS_V1, label="1.0", actor=org.administrator)
    import_and_publish(source=GIFTS_V1 + "\n3.2 Added.\n", label="2.0", actor=org.administrator)
    alert = PatternAlert.objects.create(rule=PatternRule.objects.first(), key=f"staff:{org.colleague.pk}")
    alert.cases.add(world.case)
    mfa_reset_request(user=org.committee, reason="Phone lost on the bus", actor=org.administrator)
    # Step 2 of a new disclosure is only ever the answer to step 1's POST, so no page links to it.
    kinds = [kind.value for kind in DisclosureKind]
    categories = [str(pk) for pk in BoundaryCategory.objects.values_list("pk", flat=True)]
    return [Form("/disclosures/new/", "post", {"step": ["category"], "kind": kinds, "category": categories})]


def test_no_form_or_filter_answers_with_a_server_error(client, world, more):  # noqa: F811
    """IN-01: every form and filter each persona is offered, fuzzed; every answer below 500."""
    reached: dict[tuple, str] = {}
    for persona in PERSONAS:
        user = world.users[persona]
        client.force_login(user)
        for form in _walk(client) + (more if persona == "reporter" else []):
            if form.key() not in reached:
                reached[form.key()] = persona
                _fuzz(client, user, form)
    client.logout()
    for form in _walk(client, start="/accounts/login/"):  # signing in, a forgotten password
        if form.key() not in reached:
            reached[form.key()] = "anonymous"
            _fuzz(client, None, form)
    reached_routes = {route for _, route, _ in reached}
    # The walk reaches the forms it is meant to: a broken walk (a page renamed) must not pass quietly.
    for expected in ["cases:list", "cases:note", "cases:review_date", "cases:assess", "cases:close",
                     "cases:notice_reply", "cases:pattern_state", "disclosures:new", "disclosures:edit", "audit:list",
                     "registers:gifts", "actions:mark", "policies:acknowledge", "policies:compare",
                     "accounts:mfa_reset_decide", "login", "password_reset"]:  # fmt: skip
        assert expected in reached_routes, (expected, sorted(reached_routes))
