"""Headless Chromium (Debian's, not Playwright's download) driving the real pages through
pytest-django's live server, with an axe-core accessibility scan.

Use:  def test_x(page, live_server, login, assert_accessible): ...
"""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from
# such a thread unless told it is safe (the tests are single-threaded).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath) or "/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser(django_db_setup):  # django_db_setup first: see its docstring below
    if not shutil.which(CHROMIUM):
        if os.environ.get("BOUNDARIES_REQUIRE_ALL_TESTS"):
            pytest.fail(f"Chromium not found at {CHROMIUM}; CI must run the browser tests")
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """Makes serialized_rollback work in browser tests.

    Playwright's sync API runs an asyncio loop in the test thread, and Django's connections are
    asgiref-local, so once it has started a test sees a new connection object: one without the copy
    of the migrated data (role groups, categories) that serialized_rollback puts back after each
    transactional test's flush. Keeping that copy on the wrapper class makes every wrapper have it;
    `browser` depends on this fixture so that it runs before Playwright starts its loop.
    """
    from django.db import connections

    for alias in connections:
        contents = getattr(connections[alias], "_test_serialized_contents", None)
        if contents is not None:
            type(connections[alias])._test_serialized_contents = contents


@pytest.fixture
def page(browser, live_server):
    """A fresh desktop-sized browser context per test; every request it makes is recorded."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.requests_seen = []
    page.on("request", lambda request: page.requests_seen.append(request.url))
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    """A phone-sized context (390×844, touch), as a care worker would use."""
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.requests_seen = []
    page.on("request", lambda request: page.requests_seen.append(request.url))
    yield page
    context.close()


@pytest.fixture
def login():
    """login(page, username, password) through the real log-in form."""
    from people.tests.factories import DEFAULT_PASSWORD

    def _login(page, username, password=DEFAULT_PASSWORD):
        """Roles that must use a second factor get an authenticator app (a known secret) if they
        have none, and type the code it shows now: the real second step (AS-01)."""
        from django.contrib.auth import get_user_model

        from accounts.policy import mfa_enrolled, mfa_required_for
        from accounts.testing import totp_code_for, totp_enrol

        user = get_user_model().objects.filter(username=username).first()
        if user is not None and mfa_required_for(user) and not mfa_enrolled(user):
            totp_enrol(user)
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()
        if page.url.endswith("/accounts/2fa/authenticate/"):
            page.get_by_label("Code").fill(totp_code_for(user))
            page.get_by_role("button", name="Log in").click()
            page.wait_for_load_state()

    return _login


@pytest.fixture
def assert_accessible():
    """Run axe-core on the page; fail on any serious or critical violation."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def _check(page):
        results = axe.run(page)
        bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
        summary = "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:3]}" for v in bad
        )
        assert not bad, f"axe found serious/critical violations on {page.url}:\n{summary}"

    return _check


@pytest.fixture
def assert_same_origin(live_server):
    """No page may fetch anything from another origin (CP-05)."""

    def _check(page):
        foreign = [
            url for url in page.requests_seen if not url.startswith(live_server.url) and not url.startswith("data:")
        ]
        assert not foreign, f"requests to other origins: {foreign}"

    return _check
