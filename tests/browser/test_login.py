"""The front door in a real browser: log in, the dashboard, the phone menu, log out."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.testing import totp_code_for
from demo.context import DEFAULT_PASSWORD as DEMO_PASSWORD


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_demo_worker_logs_in_sees_the_dashboard_and_logs_out(page, assert_accessible, assert_same_origin):
    """WCAG via axe (no serious or critical violations), CP-05 (same origin only), AS-07 (log out)."""
    call_command("seed_demo", "--force", "--cases", "10")  # the organisation; a short case history

    page.goto("/")
    expect(page).to_have_url("/accounts/login/?next=/")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Username").fill("worker")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    # seed_demo gave every demo login an authenticator app; DEBUG is off here, so it is asked for.
    expect(page.get_by_role("heading", name="Second step")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Code").fill(totp_code_for(get_user_model().objects.get(username="worker")))
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Amira")
    expect(page.get_by_role("link", name="Administration")).to_have_count(0)
    account = page.get_by_role("button", name="Your account: Amira Khan")
    expect(account).to_be_visible()
    account.click()
    expect(page.get_by_role("banner").get_by_role("link", name="Change password")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("You have logged out.")
    page.goto("/")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    assert_same_origin(page)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_failed_log_in_shows_the_message_in_the_page_and_keeps_the_username(page, org, assert_accessible):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("worker")
    page.get_by_label("Password").fill("not-my-password")
    page.get_by_role("button", name="Log in").click()
    # The shared error summary says it first and takes the focus; the page title says "Error: ".
    summary = page.locator("#error-summary")
    expect(summary.get_by_text("Please enter a correct username and password")).to_be_visible()
    expect(summary).to_be_focused()
    assert page.title().startswith("Error: ")
    expect(page.get_by_label("Username")).to_have_value("worker")
    assert_accessible(page)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_on_a_phone_the_menu_button_opens_the_menu(phone_page, org, login, assert_accessible, assert_same_origin):
    page = phone_page
    login(page, "worker")
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    toggler = page.get_by_role("button", name="Menu")
    log_out = page.get_by_role("button", name="Log out")
    expect(toggler).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "false")
    expect(log_out).to_be_hidden()

    toggler.click()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#main-menu").get_by_role("link", name="Home")).to_be_visible()
    expect(log_out).to_be_visible()
    page.get_by_role("button", name="Your account").click()
    expect(page.locator("#main-menu").get_by_role("link", name="Change password")).to_be_visible()
    assert_accessible(page)

    log_out.click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    assert_same_origin(page)
