"""The second factor (AS-01): who must use one, the gate before every protected page, enrolment,
sign-in with a code or a recovery code, and the demo shortcut that only works with DEBUG on."""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.test import Client, override_settings
from django.urls import reverse

from accounts.middleware import MFA_PENDING_ALLOWED
from accounts.policy import idp_claims_mfa, mfa_required_for
from accounts.testing import force_login_password_only, totp_code, totp_code_for, totp_enrol
from audit.models import AuditEvent
from people.tests.factories import DEFAULT_PASSWORD
from tests.test_url_access import ALL, PUBLIC, sample_url

MFA_REQUIRED = reverse("accounts:mfa_required")


def _log_in(client, username, password=DEFAULT_PASSWORD):
    return client.post(reverse("login"), {"login": username, "password": password})


# --- who ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_role_that_reads_cases_reports_or_the_audit_trail_must_use_a_second_factor(org):
    """AS-01: reviewers, leads, HR, the guardian, the committee, the auditor and administrators."""
    must = [org.manager, org.senior, org.other_manager, org.safeguarding, org.hr, org.guardian]
    for person in [*(s.user for s in must), org.committee, org.auditor, org.administrator, org.superuser]:
        assert mfa_required_for(person), person.username
    assert not mfa_required_for(org.worker.user)


@pytest.mark.django_db
def test_one_setting_makes_everyone_use_a_second_factor(org):
    with override_settings(MFA_REQUIRED_FOR_EVERYONE=True):
        assert mfa_required_for(org.worker.user)


# --- the gate ----------------------------------------------------------------------------------


PROTECTED = [(name, pattern) for name, pattern in ALL if name not in PUBLIC and name not in MFA_PENDING_ALLOWED]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["manager", "auditor", "administrator", "committee", "safeguarding"])
def test_after_the_password_alone_every_protected_page_waits_for_the_second_factor(org, persona):
    """AS-01: walk the whole URLconf (like AC-01) as someone who has given only a password and has no
    second factor yet: every case, report, audit, admin and other page sends them to set one up."""
    client = Client()
    response = _log_in(client, persona)
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    for name, pattern in PROTECTED:
        url = sample_url(name, pattern)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 302, f"{method.upper()} {url} answered {response.status_code}"
            assert response["Location"] == MFA_REQUIRED, f"{method.upper()} {url} -> {response['Location']}"
    page = client.get(MFA_REQUIRED)
    assert page.status_code == 200
    assert "Set up a second factor" in page.content.decode()


@pytest.mark.django_db
def test_a_worker_is_not_asked_for_a_second_factor(client, worker):
    _log_in(client, "worker")
    assert client.get(reverse("dashboard")).status_code == 200


@pytest.mark.django_db
def test_an_enrolled_person_is_not_signed_in_until_the_code_is_given(client, manager):
    """AS-01: with an authenticator, the password step leaves the session anonymous."""
    totp_enrol(manager)
    response = _log_in(client, "manager")
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    case_list = client.get(reverse("cases:list"))
    assert case_list.status_code == 302
    assert case_list["Location"].startswith(reverse("login"))

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code_for(manager)})
    assert response["Location"] == reverse("dashboard")
    assert client.get(reverse("cases:list")).status_code == 200
    assert AuditEvent.objects.filter(action="accounts.mfa.used", actor=manager).count() == 1
    assert AuditEvent.objects.filter(action="accounts.login.succeeded", actor=manager).count() == 1


@pytest.mark.django_db
def test_a_code_cannot_be_used_twice(manager):
    """AS-01 (v5-6.5.1): a TOTP code works once."""
    from django.core.cache import cache

    secret = totp_enrol(manager)
    cache.clear()
    code = totp_code(secret)
    first = Client()
    _log_in(first, "manager")
    assert first.post(reverse("mfa_authenticate"), {"code": code})["Location"] == reverse("dashboard")
    second = Client()
    _log_in(second, "manager")
    response = second.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 200
    assert "_auth_user_id" not in second.session
    assert AuditEvent.objects.filter(action="accounts.mfa.failed", object_id=str(manager.pk)).exists()


@pytest.mark.django_db
def test_a_wrong_code_is_refused_and_audited(client, manager):
    totp_enrol(manager)
    _log_in(client, "manager")
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="accounts.mfa.failed").count() == 1


@pytest.mark.django_db
def test_a_recovery_code_signs_in_once(client, manager):
    """Ten single-use recovery codes."""
    totp_enrol(manager)
    codes = RecoveryCodes.activate(manager).generate_codes()
    assert len(codes) == 10
    _log_in(client, "manager")
    assert client.post(reverse("mfa_authenticate"), {"code": codes[0]})["Location"] == reverse("dashboard")
    again = Client()
    _log_in(again, "manager")
    assert again.post(reverse("mfa_authenticate"), {"code": codes[0]}).status_code == 200
    assert "_auth_user_id" not in again.session


@pytest.mark.django_db
def test_a_session_that_skipped_the_code_step_is_ended(client, manager):
    """An enrolled account whose session never gave a second factor (started some other way) is signed out."""
    totp_enrol(manager)
    force_login_password_only(client, manager)
    response = client.get(reverse("cases:list"))
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


# --- enrolment ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_enrolling_an_authenticator_app_opens_the_pages_and_is_audited(client, org):
    """Transactional, as in production: allauth says "added" after the commit, inside the request."""
    manager = org.manager.user
    _log_in(client, "manager")
    assert client.get(reverse("cases:list"))["Location"] == MFA_REQUIRED
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret
    assert re.search(r'<img[^>]+src="data:image/svg\+xml;base64,', page.content.decode())
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    assert Authenticator.objects.filter(user=manager, type=Authenticator.Type.TOTP).exists()
    assert Authenticator.objects.filter(user=manager, type=Authenticator.Type.RECOVERY_CODES).exists()
    assert client.get(reverse("mfa_view_recovery_codes")).status_code == 200
    assert client.get(reverse("cases:list")).status_code == 200
    added = AuditEvent.objects.filter(action="accounts.mfa.added", actor=manager)
    assert sorted(event.detail["type"] for event in added) == ["recovery_codes", "totp"]


@pytest.mark.django_db
def test_someone_who_must_use_a_second_factor_cannot_remove_their_only_one(client, manager):
    totp_enrol(manager)
    client.force_login(manager)
    response = client.post(reverse("mfa_deactivate_totp"), {})
    assert Authenticator.objects.filter(user=manager, type=Authenticator.Type.TOTP).exists()
    assert response.status_code in (200, 302)


@pytest.mark.django_db
def test_a_worker_may_remove_their_own(client, worker, django_capture_on_commit_callbacks):
    totp_enrol(worker)
    client.force_login(worker)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mfa_deactivate_totp"), {})
    assert not Authenticator.objects.filter(user=worker, type=Authenticator.Type.TOTP).exists()
    assert AuditEvent.objects.filter(action="accounts.mfa.removed", actor=worker).exists()


# --- the demo shortcut -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_demo_shortcut_lets_people_in_only_with_debug_on(manager):
    with override_settings(DEBUG=True, BOUNDARIES_DEMO_SKIP_MFA=True):
        client = Client()
        _log_in(client, "manager")
        assert client.get(reverse("cases:list")).status_code == 200
    with override_settings(DEBUG=False, BOUNDARIES_DEMO_SKIP_MFA=True):
        client = Client()
        _log_in(client, "manager")
        assert client.get(reverse("cases:list"))["Location"] == MFA_REQUIRED


@pytest.mark.django_db
def test_the_demo_shortcut_skips_the_code_step_only_with_debug_on(manager):
    totp_enrol(manager)
    with override_settings(DEBUG=True, BOUNDARIES_DEMO_SKIP_MFA=True):
        assert _log_in(Client(), "manager")["Location"] == reverse("dashboard")
    with override_settings(DEBUG=False, BOUNDARIES_DEMO_SKIP_MFA=True):
        assert _log_in(Client(), "manager")["Location"] == reverse("mfa_authenticate")


# --- the identity provider's claim -------------------------------------------------------------


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ({"amr": ["pwd", "mfa"]}, True),
        ({"amr": ["pwd"]}, False),
        ({"amr": "otp"}, True),
        ({}, False),
        ({"acr": "possessionorinherence"}, False),
    ],
)
def test_the_providers_amr_claim_decides_whether_a_second_factor_was_used(claims, expected):
    assert idp_claims_mfa(claims) is expected


def test_an_acr_value_counts_only_when_listed():
    with override_settings(OIDC_MFA_ACR_VALUES=["possessionorinherence"]):
        assert idp_claims_mfa({"acr": "possessionorinherence"})


def test_the_admin_cannot_touch_authenticators_or_single_sign_on_links():
    """An administrator alone can never remove someone's second factor."""
    from allauth.mfa.models import Authenticator as Model
    from allauth.socialaccount.models import SocialAccount
    from django.contrib import admin

    assert not admin.site.is_registered(Model)
    assert not admin.site.is_registered(SocialAccount)
