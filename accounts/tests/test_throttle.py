"""AS-04: failed sign-ins slow down per account and per address, with a growing wait and a clear
message; never a global lock; audited. The address comes from X-Forwarded-For only behind our proxy."""

import datetime

import pytest
import time_machine
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from people.tests.factories import DEFAULT_PASSWORD

WAIT_MESSAGE = "Too many failed attempts to log in."


def _log_in(client, username, password=DEFAULT_PASSWORD, **extra):
    return client.post(reverse("login"), {"login": username, "password": password}, **extra)


def _fail(client, username, times, **extra):
    for _ in range(times):
        response = _log_in(client, username, "not-the-password", **extra)
        assert response.status_code == 200


def _signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == reverse("dashboard")


@pytest.mark.django_db
def test_after_five_failures_even_the_right_password_waits_a_minute_with_a_clear_message(client, worker):
    """AS-04: the account is throttled; the message says how long; the refusal is audited."""
    _fail(client, "worker", 5)
    response = _log_in(client, "worker")
    page = response.content.decode()
    assert response.status_code == 200
    assert WAIT_MESSAGE in page
    assert "Wait 1 minute and try again" in page
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action="accounts.login.throttled")
    assert event.object_id == str(worker.pk)
    assert event.detail["scope"] == "account"


@pytest.mark.django_db
def test_the_wait_grows_with_each_further_failure_and_then_lets_the_person_in(client, worker):
    """AS-04: one minute, then two, then four…; after the wait the right password works."""
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        _fail(client, "worker", 5)
        traveller.shift(datetime.timedelta(seconds=61))
        _fail(client, "worker", 1)  # the sixth failure: two minutes now
        assert "Wait 2 minutes" in _log_in(client, "worker").content.decode()
        traveller.shift(datetime.timedelta(seconds=121))
        _fail(client, "worker", 1)  # the seventh: four minutes
        assert "Wait 4 minutes" in _log_in(client, "worker").content.decode()
        traveller.shift(datetime.timedelta(minutes=4, seconds=1))
        assert _signed_in(_log_in(client, "worker"))


@pytest.mark.django_db
def test_the_throttle_is_never_global_another_person_at_the_same_address_signs_in(client, org):
    """AS-04 (SecureDrop's test_login_throttle_is_not_global)."""
    _fail(client, "worker", 8)
    assert WAIT_MESSAGE in _log_in(client, "worker").content.decode()
    assert _signed_in(_log_in(Client(), "colleague"))


@pytest.mark.django_db
def test_an_unknown_username_is_throttled_the_same_way(client, db):
    """AS-05 too: the message does not reveal whether the account exists."""
    _fail(client, "nobody-here", 5)
    assert WAIT_MESSAGE in _log_in(client, "nobody-here").content.decode()


@pytest.mark.django_db
@override_settings(LOGIN_THROTTLE_ADDRESS_FAILURES=6)
def test_many_failures_from_one_address_across_accounts_throttle_that_address_only(org):
    """AS-04: credential stuffing from one address slows that address, not the accounts elsewhere."""
    here = {"REMOTE_ADDR": "203.0.113.7"}
    for username in ("a1", "a2", "a3"):
        _fail(Client(), username, 2, **here)
    assert WAIT_MESSAGE in _log_in(Client(), "colleague", **here).content.decode()
    assert AuditEvent.objects.filter(action="accounts.login.throttled", detail__scope="address").exists()
    assert _signed_in(_log_in(Client(), "colleague", REMOTE_ADDR="198.51.100.2"))


@pytest.mark.django_db
@override_settings(LOGIN_THROTTLE_ADDRESS_FAILURES=3, BEHIND_TLS_PROXY=True)
def test_behind_the_proxy_the_address_is_the_proxys_right_most_x_forwarded_for_entry(org):
    """AS-04, HT-07: the client cannot dodge the throttle by writing its own X-Forwarded-For entry."""
    for forged in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        _log_in(Client(), "x", "bad-password-1", HTTP_X_FORWARDED_FOR=f"{forged}, 203.0.113.9")
    response = _log_in(Client(), "colleague", HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.9")
    assert WAIT_MESSAGE in response.content.decode()
    event = AuditEvent.objects.filter(action="accounts.login.failed").first()
    assert event.ip_address == "203.0.113.9"


@pytest.mark.django_db
@override_settings(LOGIN_THROTTLE_ADDRESS_FAILURES=3, BEHIND_TLS_PROXY=False)
def test_without_the_proxy_setting_x_forwarded_for_is_ignored(org):
    for forged in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        _log_in(Client(), "x", "bad-password-1", HTTP_X_FORWARDED_FOR=forged)
    event = AuditEvent.objects.filter(action="accounts.login.failed").first()
    assert event.ip_address == "127.0.0.1"
    assert WAIT_MESSAGE in _log_in(Client(), "colleague").content.decode()  # all came from 127.0.0.1


@pytest.mark.django_db
def test_a_successful_sign_in_clears_the_accounts_count(client, worker):
    _fail(client, "worker", 4)
    assert _signed_in(_log_in(client, "worker"))
    _fail(Client(), "worker", 4)
    assert _signed_in(_log_in(Client(), "worker"))
