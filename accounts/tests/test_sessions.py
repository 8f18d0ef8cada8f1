"""AS-08 (idle timeout and absolute lifetime) and AS-11 (re-authentication before sensitive actions)."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from people.tests.factories import DEFAULT_PASSWORD


def _log_in(client, username, password=DEFAULT_PASSWORD):
    return client.post(reverse("login"), {"login": username, "password": password})


@pytest.mark.django_db
def test_a_busy_session_still_ends_twelve_hours_after_signing_in(client, worker):
    """AS-08: used every half hour, the session is refused once the absolute lifetime has passed."""
    assert settings.SESSION_ABSOLUTE_HOURS == 12
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        _log_in(client, "worker")
        for _ in range(23):
            traveller.shift(datetime.timedelta(minutes=30))
            assert client.get(reverse("dashboard")).status_code == 200
        traveller.shift(datetime.timedelta(minutes=31))
        response = client.get(reverse("dashboard"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        assert "_auth_user_id" not in client.session
        assert AuditEvent.objects.filter(action="accounts.session.expired", actor=worker).count() == 1


@pytest.mark.django_db
@override_settings(SESSION_ABSOLUTE_HOURS=1)
def test_the_absolute_lifetime_is_a_setting(client, worker):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        _log_in(client, "worker")
        traveller.shift(datetime.timedelta(minutes=59))
        assert client.get(reverse("dashboard")).status_code == 200
        traveller.shift(datetime.timedelta(minutes=2))
        assert client.get(reverse("dashboard")).status_code == 302


@pytest.mark.django_db
def test_an_idle_session_ends_on_the_server(client, worker):
    """AS-08: the idle timeout stays (the session's age, renewed on each request), enforced server-side."""
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        _log_in(client, "worker")
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        traveller.shift(datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE + 60))
        replay = Client()
        replay.cookies[settings.SESSION_COOKIE_NAME] = cookie  # whatever the browser thinks of its expiry
        assert replay.get(reverse("dashboard")).status_code == 302


# --- re-authentication -------------------------------------------------------------------------


@pytest.mark.django_db
def test_exporting_the_audit_trail_needs_a_password_given_in_the_last_ten_minutes(client, org):
    """AS-11: a fresh sign-in counts; eleven minutes later the password is asked for again and the
    export then carries on."""
    from accounts.testing import totp_code_for, totp_enrol

    auditor = org.auditor
    totp_enrol(auditor)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        _log_in(client, "auditor")
        client.post(reverse("mfa_authenticate"), {"code": totp_code_for(auditor)})
        assert client.get(reverse("audit:export")).status_code == 200

        traveller.shift(datetime.timedelta(minutes=11))
        response = client.get(reverse("audit:export"))
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('account_reauthenticate')}?next=%2Faudit%2Fexport.csv"

        wrong = client.post(response["Location"], {"password": "not-my-password"})
        assert wrong.status_code == 200
        resumed = client.post(response["Location"], {"password": DEFAULT_PASSWORD})
        assert resumed.status_code == 302
        assert resumed["Location"] == reverse("audit:export")
        export = client.get(reverse("audit:export"))
        assert export.status_code == 200
        assert export["Content-Type"].startswith("text/csv")


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["reporting:download_pdf", "reporting:download_csv", "reporting:download_xlsx"])
def test_downloading_report_files_needs_recent_authentication(client, org, name):
    """AS-11: report files; checked before the view runs, so even a missing report asks first."""
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        client.force_login(org.committee)
        traveller.shift(datetime.timedelta(minutes=11))
        response = client.get(reverse(name, kwargs={"pk": 999999}))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_reauthenticate"))


@pytest.mark.django_db
def test_changing_someones_roles_in_the_admin_needs_recent_authentication(client, org):
    """AS-11: an administrator's POST to change an account (its roles) asks for the password again."""
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        client.force_login(org.administrator)
        url = reverse("admin:auth_user_change", args=[org.worker.user.pk])
        traveller.shift(datetime.timedelta(minutes=11))
        assert client.get(url).status_code == 200  # looking is fine
        response = client.post(url, {"is_active": "on"})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_the_sensitive_views_are_listed_and_exist():
    """AS-11: every URL name in REAUTHENTICATION_REQUIRED resolves (a rename cannot silently drop it)."""
    for name in settings.REAUTHENTICATION_REQUIRED:
        kwargs = (
            {"pk": 1}
            if name.startswith(
                (
                    "reporting:download",
                    "accounts:mfa_reset_decide",
                    "accounts:role_grant_decide",
                    "privacy:audit",
                    "privacy:sar",
                )
            )
            else {}
        )
        args = [1] if name in ("admin:auth_user_change", "admin:auth_user_password_reset_link") else []
        assert reverse(name, args=args or None, kwargs=kwargs or None)
    assert settings.ACCOUNT_REAUTHENTICATION_TIMEOUT == 600


@pytest.mark.django_db
def test_the_decorator_protects_any_view(rf, worker):
    """The reusable decorator (accounts.reauth) for new views, e.g. privacy actions such as subject-access exports."""
    import time

    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.core.exceptions import ReauthenticationRequired
    from django.contrib.sessions.backends.db import SessionStore
    from django.http import HttpResponse

    from accounts.reauth import reauthentication_required

    @reauthentication_required
    def view(request):
        return HttpResponse("done")

    request = rf.post("/")
    request.user = worker
    request.session = SessionStore()
    with pytest.raises(ReauthenticationRequired):
        view(request)
    from allauth.account.internal.flows.login import _AUTHENTICATION_METHODS_USER_SESSION_KEY

    request.session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": time.time(), "reauthenticated": True}
    ]
    request.session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(worker.pk)
    assert view(request).content == b"done"


@pytest.mark.django_db
def test_the_session_is_renewed_at_most_once_a_minute_and_an_active_person_stays_signed_in(client, worker):
    """AS-08: pages viewed seconds apart do not rewrite the session row; a request after the renewal
    interval renews it, so someone working steadily is never timed out."""
    from django.contrib.sessions.models import Session

    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        _log_in(client, "worker")
        assert client.get(reverse("dashboard")).status_code == 200
        key = client.cookies[settings.SESSION_COOKIE_NAME].value
        expiry = Session.objects.get(session_key=key).expire_date
        traveller.shift(datetime.timedelta(seconds=20))
        assert client.get(reverse("dashboard")).status_code == 200
        assert Session.objects.get(session_key=key).expire_date == expiry  # not written again
        for _ in range(4):  # two hours, a page every 40 minutes: past the 60-minute idle limit in all
            traveller.shift(datetime.timedelta(minutes=40))
            assert client.get(reverse("dashboard")).status_code == 200
        assert Session.objects.get(session_key=key).expire_date > expiry
