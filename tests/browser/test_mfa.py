"""The second factor in a real browser (AS-01): TOTP enrolment and sign-in with a code computed here,
a recovery code, passkeys with Chromium's virtual authenticator, and nothing protected before the
second factor."""

import re

import pytest
from playwright.sync_api import expect

from accounts.testing import totp_code
from people.tests.factories import DEFAULT_PASSWORD


def _password_step(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_load_state()


def _log_out(page):
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()


def _virtual_authenticator(page):
    """Chromium's DevTools virtual authenticator: a platform passkey that always says yes."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_manager_sets_up_an_authenticator_app_then_signs_in_with_a_code_and_a_recovery_code(
    page, org, assert_accessible
):
    _password_step(page, "manager")
    expect(page.get_by_role("heading", name="Set up a second factor")).to_be_visible()
    assert_accessible(page)
    for protected in ("/cases/", "/reports/", "/audit/", "/admin/", "/"):
        page.goto(protected)
        expect(page.get_by_role("heading", name="Set up a second factor")).to_be_visible()

    page.get_by_role("link", name="Use an authenticator app").click()
    secret = page.get_by_label("Authenticator secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    expect(page.locator("img[src^='data:image/svg+xml']")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()

    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    codes = page.get_by_label("Unused codes").input_value().split()
    assert len(codes) == 10
    page.get_by_role("link", name="I have kept them safe: carry on").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Hello"))
    _log_out(page)

    # Next time: password, then the code the app shows (computed here).
    _password_step(page, "manager")
    expect(page.get_by_role("heading", name="Second step")).to_be_visible()
    page.goto("/cases/")  # nothing before the code: back to the second step
    expect(page.get_by_role("heading", name="Second step")).to_be_visible()
    expect(page).not_to_have_url(re.compile("/cases/"))
    from django.core.cache import cache

    cache.clear()  # the enrolment's code may still be the current one; allauth refuses a code seen before
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Hello"))
    page.goto("/cases/")
    expect(page).to_have_url(re.compile("/cases/$"))
    _log_out(page)

    # Lost the phone: a recovery code, once.
    _password_step(page, "manager")
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Hello"))
    _log_out(page)
    _password_step(page, "manager")
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Second step")).to_be_visible()
    expect(page.get_by_text("Incorrect code")).to_be_visible()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_auditor_registers_a_passkey_and_then_signs_in_with_it(page, org, assert_accessible):
    cdp, authenticator_id = _virtual_authenticator(page)

    _password_step(page, "auditor")
    expect(page.get_by_role("heading", name="Set up a second factor")).to_be_visible()
    page.get_by_role("link", name="Use a passkey or security key").click()
    expect(page.get_by_role("heading", name="Add a passkey or security key")).to_be_visible()
    assert_accessible(page)
    expect(page.get_by_label("Also use it to log in without a password (a passkey)")).to_be_checked()
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"]
    assert len(credentials) == 1 and credentials[0]["isResidentCredential"]
    page.get_by_role("link", name="I have kept them safe: carry on").click()
    page.goto("/audit/")
    expect(page).to_have_url(re.compile("/audit/$"))
    _log_out(page)

    # The password, then the passkey as the second step.
    _password_step(page, "auditor")
    expect(page.get_by_role("heading", name="Second step")).to_be_visible()
    page.get_by_role("button", name="Use a passkey or security key").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Hello"))
    _log_out(page)

    # A passkey alone (it verifies the user on the device): no password.
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Use a passkey").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Hello"))
    page.goto("/audit/")
    expect(page).to_have_url(re.compile("/audit/$"))

    from audit.models import AuditEvent

    used = AuditEvent.objects.filter(action="accounts.mfa.used", actor=org.auditor)
    assert sorted(e.detail["passkey"] for e in used) == [False, True]
