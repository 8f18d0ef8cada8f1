"""Single sign-on against a real OpenID Connect provider (the npm package oidc-provider, run under Node
by this module from tests/oidc_provider/): through the browser, staff are matched to their existing
account by e-mail; an unknown e-mail or a domain not allowed is refused with a clear message; the
provider's amr claim satisfies the second factor when the organisation says so; ID tokens for another
audience or past their expiry are refused."""

import copy
import datetime
import json
import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
import time_machine
from django.conf import settings
from django.test import override_settings
from playwright.sync_api import expect

from audit.models import AuditEvent

PROVIDER_DIR = Path(__file__).resolve().parent.parent / "oidc_provider"
SECRET = "test-client-secret-not-real"  # noqa: S105
OTHER_SECRET = "another-client-secret"  # noqa: S105
TOKEN_ONLY_CALLBACK = "http://127.0.0.1:9/callback"  # the programmatic flow stops before following it
ACCOUNTS = {
    "manager-sub": {"email": "manager@example.org", "name": "Morgan Manager"},
    "hr-sub": {"email": "hr@partner.example", "name": "Harper HR"},
    "stranger-sub": {"email": "stranger@example.org", "name": "Sam Stranger"},
}


def _skip_or_fail(reason):
    if os.environ.get("BOUNDARIES_REQUIRE_ALL_TESTS"):
        pytest.fail(f"{reason}; CI must run this test")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def oidc_provider(live_server):
    """Start the provider (installing its pinned npm packages first if needed) and yield its issuer."""
    if not shutil.which("node") or not shutil.which("npm"):
        _skip_or_fail("needs Node.js and npm for the test OpenID Connect provider")
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").exists():
        install = subprocess.run(  # noqa: S603
            ["npm", "ci", "--no-audit", "--no-fund"],  # noqa: S607
            cwd=PROVIDER_DIR,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if install.returncode != 0:
            _skip_or_fail(f"npm ci failed in {PROVIDER_DIR}: {install.stderr[-500:]}")
    port = _free_port()
    clients = [
        {
            "client_id": "boundaries",
            "client_secret": SECRET,
            "redirect_uris": [f"{live_server.url}/accounts/oidc/sso/login/callback/", TOKEN_ONLY_CALLBACK],
        },
        {"client_id": "another-app", "client_secret": OTHER_SECRET, "redirect_uris": [TOKEN_ONLY_CALLBACK]},
    ]
    env = {
        **os.environ,
        "OIDC_PORT": str(port),
        "OIDC_CLIENTS": json.dumps(clients),
        "OIDC_ACCOUNTS": json.dumps(ACCOUNTS),
        "NODE_NO_WARNINGS": "1",
    }
    process = subprocess.Popen(  # noqa: S603
        ["node", "provider.mjs"],  # noqa: S607
        cwd=PROVIDER_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    issuer = f"http://localhost:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=1).ok:
                break
        except requests.ConnectionError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail(f"the OpenID Connect provider did not start: {process.stdout.read()}")
    yield issuer
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def sso(oidc_provider):
    """Boundaries configured for the provider, as the OIDC_* environment variables would."""
    providers = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": "sso",
                    "name": "Test Identity",
                    "client_id": "boundaries",
                    "secret": SECRET,
                    "settings": {"server_url": oidc_provider, "token_auth_method": "client_secret_post"},
                }
            ],
        }
    }
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"].append(oidc_provider)  # as base.py does for OIDC_ISSUER
    with override_settings(
        SOCIALACCOUNT_PROVIDERS=providers,
        OIDC_ALLOWED_EMAIL_DOMAINS=["example.org"],
        OIDC_TRUST_MFA_CLAIM=True,
        CONTENT_SECURITY_POLICY=policy,
    ):
        yield oidc_provider


def _sign_in_with_sso(page, account, *, mfa):
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Log in with Test Identity").click()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Test identity provider")).to_be_visible()
    page.get_by_label("Account").fill(account)
    if mfa:
        page.get_by_label("I used my second factor").check()
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_manager_signs_in_through_the_provider_and_its_mfa_claim_counts(page, org, sso, assert_accessible):
    _sign_in_with_sso(page, "manager-sub", mfa=True)
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Hello"))
    page.goto("/cases/")
    expect(page).to_have_url(re.compile("/cases/$"))
    manager = org.manager.user
    assert AuditEvent.objects.filter(action="accounts.sso.linked", actor=manager).count() == 1
    assert AuditEvent.objects.filter(action="accounts.login.succeeded", actor=manager).count() == 1
    assert manager.socialaccount_set.get().uid == "manager-sub"
    assert list(manager.groups.values_list("name", flat=True)) == list(
        org.manager.user.groups.values_list("name", flat=True)
    )  # roles stay the product's own


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_without_the_mfa_claim_a_manager_must_still_set_up_a_second_factor(page, org, sso):
    _sign_in_with_sso(page, "manager-sub", mfa=False)
    expect(page.get_by_role("heading", name="Set up a second factor")).to_be_visible()
    page.goto("/cases/")
    expect(page.get_by_role("heading", name="Set up a second factor")).to_be_visible()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_claim_counts_only_when_the_organisation_says_so(page, org, sso):
    with override_settings(OIDC_TRUST_MFA_CLAIM=False):
        _sign_in_with_sso(page, "manager-sub", mfa=True)
        expect(page.get_by_role("heading", name="Set up a second factor")).to_be_visible()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_unknown_email_is_refused_with_a_clear_message_and_nobody_is_created(page, org, sso, assert_accessible):
    from django.contrib.auth import get_user_model

    users_before = get_user_model().objects.count()
    _sign_in_with_sso(page, "stranger-sub", mfa=True)
    expect(page.get_by_role("heading", name="We could not log you in")).to_be_visible()
    expect(page.get_by_text("There is no Boundaries account for stranger@example.org")).to_be_visible()
    assert_accessible(page)
    assert get_user_model().objects.count() == users_before
    assert AuditEvent.objects.filter(action="accounts.sso.refused", detail__email_domain="example.org").exists()
    page.goto("/")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_email_outside_the_allowed_domains_is_refused_even_if_an_account_has_it(page, org, sso):
    hr = org.hr.user
    hr.email = "hr@partner.example"
    hr.save()
    _sign_in_with_sso(page, "hr-sub", mfa=True)
    expect(page.get_by_role("heading", name="We could not log you in")).to_be_visible()
    assert not hr.socialaccount_set.exists()


# --- ID tokens from the real provider, checked by allauth's OpenID Connect adapter ---------------


def _id_token(issuer, client_id, secret, account):
    """The authorisation-code flow by hand, against the real provider: its ID token."""
    session = requests.Session()
    params = {
        "client_id": client_id,
        "response_type": "code",
        "scope": "openid email",
        "redirect_uri": TOKEN_ONLY_CALLBACK,
        "nonce": "n-0S6_WzA2Mj",
        "state": "st",
    }
    response = session.get(f"{issuer}/auth", params=params, allow_redirects=False)
    while response.is_redirect:
        response = session.get(urljoin(issuer, response.headers["Location"]), allow_redirects=False)
    action = re.search(r'action="([^"]+)"', response.text)[1]
    response = session.post(urljoin(issuer, action), data={"account": account}, allow_redirects=False)
    while not response.headers["Location"].startswith(TOKEN_ONLY_CALLBACK):
        response = session.get(urljoin(issuer, response.headers["Location"]), allow_redirects=False)
    code = parse_qs(urlsplit(response.headers["Location"]).query)["code"][0]
    token = requests.post(
        f"{issuer}/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": TOKEN_ONLY_CALLBACK,
            "client_id": client_id,
            "client_secret": secret,
        },
        timeout=10,
    )
    token.raise_for_status()
    return token.json()["id_token"]


def _decode(rf, id_token):
    from allauth.core import context
    from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter

    request = rf.get("/")
    with context.request_context(request):
        adapter = OpenIDConnectOAuth2Adapter(request, "sso")
        adapter.did_fetch_access_token = False  # check the signature as well
        return adapter._decode_id_token(adapter.get_provider().app, id_token)


@pytest.mark.django_db
def test_an_id_token_for_another_audience_or_past_its_expiry_is_refused(sso, rf):
    from allauth.socialaccount.providers.oauth2.client import OAuth2Error

    ours = _id_token(sso, "boundaries", SECRET, "manager-sub")
    assert _decode(rf, ours)["sub"] == "manager-sub"  # the control: accepted

    theirs = _id_token(sso, "another-app", OTHER_SECRET, "manager-sub")
    with pytest.raises(OAuth2Error):
        _decode(rf, theirs)  # aud is another-app

    later = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(hours=2)
    with time_machine.travel(later), pytest.raises(OAuth2Error):
        _decode(rf, ours)  # exp has passed
