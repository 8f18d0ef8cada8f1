"""Logging in and out, changing and resetting a password, through the real pages."""

import re
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from people.tests.factories import DEFAULT_PASSWORD, UserFactory

NEW_PASSWORD = "plum-kettle-harbour-7"
LOGIN_ERROR = "Please enter a correct username and password"


def _without_csrf(html: str) -> str:
    """Without the CSRF token and the CSP nonce, which differ on every response."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r' nonce="[^"]+"', "", html)


def _log_in(client, username, password=DEFAULT_PASSWORD, next_url=None):
    url = reverse("login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"login": username, "password": password, "next": next_url or ""})


# --- log in ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_login_page_has_labelled_fields_with_autocomplete_and_a_forgotten_password_link(client):
    page = client.get(reverse("login")).content.decode()
    assert re.search(r'<label[^>]*for="id_login"', page)
    assert re.search(r'<label[^>]*for="id_password"', page)
    assert re.search(r'<input[^>]*autocomplete="username"[^>]*id="id_login"', page)
    assert re.search(r'<input[^>]*autocomplete="current-password"[^>]*id="id_password"', page)
    assert f'<a href="{reverse("password_reset")}">Forgotten your password?</a>' in page


@pytest.mark.django_db
def test_logging_in_goes_to_the_dashboard_and_records_an_audit_event(client, worker):
    """AU-02: a successful log-in is an audit event naming the account."""
    response = _log_in(client, "worker")
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert client.get(reverse("dashboard")).status_code == 200
    event = AuditEvent.objects.get(action="accounts.login.succeeded")
    assert event.actor == worker


@pytest.mark.django_db
def test_a_wrong_password_shows_a_message_keeps_the_username_and_is_audited(client, worker):
    response = _log_in(client, "worker", "not-my-password")
    assert response.status_code == 200
    page = response.content.decode()
    assert LOGIN_ERROR in page
    assert 'value="worker"' in page
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action="accounts.login.failed")
    assert event.object_id == str(worker.pk)


@pytest.mark.django_db
def test_an_unknown_username_and_a_wrong_password_give_the_same_page(client):
    """AS-05: the response does not say whether the account exists."""
    user = UserFactory(username="jo.bloggs")
    wrong_password = _log_in(client, "jo.bloggs", "not-my-password")
    user.username = "jo.bloggs.renamed"
    user.save()
    unknown_user = _log_in(Client(), "jo.bloggs", "not-my-password")
    assert wrong_password.status_code == unknown_user.status_code == 200
    assert _without_csrf(wrong_password.content.decode()) == _without_csrf(unknown_user.content.decode())
    assert AuditEvent.objects.filter(action="accounts.login.failed").count() == 2


@pytest.mark.django_db
def test_logging_in_gives_a_new_session_key_and_the_old_one_is_gone(client, worker):
    """AS-06: the session id rotates at log-in."""
    session = client.session
    session["seen_before_login"] = True
    session.save()
    before = session.session_key
    _log_in(client, "worker")
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not SessionStore().exists(before)


@pytest.mark.django_db
@pytest.mark.parametrize("evil", ["https://evil.example/", "//evil.example/", "/\\evil.example/"])
def test_a_next_address_on_another_site_is_ignored_after_log_in(client, worker, evil):
    """IN-07: no open redirect through ?next=."""
    response = _log_in(client, "worker", next_url=evil)
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


@pytest.mark.django_db
def test_a_next_address_on_this_site_is_followed_after_log_in(client, worker):
    response = _log_in(client, "worker", next_url=reverse("password_change"))
    assert response["Location"] == reverse("password_change")


# --- log out -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_logging_out_ends_the_session_on_the_server_and_is_audited(client, worker):
    """AS-07: after log-out the old session cookie no longer works."""
    _log_in(client, "worker")
    old_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value

    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert AuditEvent.objects.filter(action="accounts.logout", actor=worker).count() == 1
    assert "You have logged out." in client.get(reverse("login")).content.decode()

    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_cookie
    response = replay.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_log_out_is_post_only_so_a_link_cannot_log_someone_out(client, worker):
    client.force_login(worker)
    assert client.get(reverse("logout")).status_code == 405
    assert client.get(reverse("dashboard")).status_code == 200


# --- change password ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_change_password_page_uses_the_right_autocomplete_hints(client, worker):
    client.force_login(worker)
    page = client.get(reverse("password_change")).content.decode()
    assert re.search(r'<input[^>]*autocomplete="current-password"[^>]*id="id_old_password"', page)
    assert re.search(r'<input[^>]*autocomplete="new-password"[^>]*id="id_new_password1"', page)
    assert re.search(r'<input[^>]*autocomplete="new-password"[^>]*id="id_new_password2"', page)


@pytest.mark.django_db
def test_changing_the_password_needs_the_current_one(client, worker):
    """AS-11: re-authentication for a password change."""
    client.force_login(worker)
    response = client.post(
        reverse("password_change"),
        {"old_password": "a-wrong-guess-123", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()
    worker.refresh_from_db()
    assert worker.check_password(DEFAULT_PASSWORD)


@pytest.mark.django_db
def test_a_new_password_shorter_than_twelve_characters_is_refused_with_a_message(client, worker):
    """AS-02: at least 12 characters."""
    client.force_login(worker)
    response = client.post(
        reverse("password_change"),
        {"old_password": DEFAULT_PASSWORD, "new_password1": "short-pw-11", "new_password2": "short-pw-11"},
    )
    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()
    worker.refresh_from_db()
    assert worker.check_password(DEFAULT_PASSWORD)


@pytest.mark.django_db
def test_changing_the_password_works_and_logs_out_other_sessions(client, worker):
    """AS-09: the other sessions end; this one carries on."""
    elsewhere = Client()
    _log_in(elsewhere, "worker")
    client.force_login(worker)
    response = client.post(
        reverse("password_change"),
        {"old_password": DEFAULT_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert "Password changed" in response.content.decode()
    assert client.get(reverse("dashboard")).status_code == 200
    assert elsewhere.get(reverse("dashboard")).status_code == 302
    assert _log_in(Client(), "worker", NEW_PASSWORD)["Location"] == reverse("dashboard")
    assert LOGIN_ERROR in _log_in(Client(), "worker", DEFAULT_PASSWORD).content.decode()


# --- reset password ----------------------------------------------------------------------------


def _request_reset(client, email, capture):
    with capture(execute=True):
        return client.post(reverse("password_reset"), {"email": email})


def _reset_path(mail) -> str:
    url = re.search(r"https?://\S+", mail.body).group(0)
    return urlparse(url).path


def _choose_password(client, path, password=NEW_PASSWORD):
    form = client.get(path, follow=True)
    assert "Choose a new password" in form.content.decode()
    set_password_url = form.redirect_chain[-1][0]
    return client.post(set_password_url, {"new_password1": password, "new_password2": password}, follow=True)


@pytest.mark.django_db
def test_a_reset_for_a_known_address_sends_one_working_link(
    client, worker, mailoutbox, django_capture_on_commit_callbacks
):
    response = _request_reset(client, worker.email, django_capture_on_commit_callbacks)
    assert response["Location"] == reverse("password_reset_done")
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [worker.email]
    assert "worker" in mail.body  # the username, so a forgotten one can be recovered too

    done = _choose_password(Client(), _reset_path(mail))
    assert "Password saved" in done.content.decode()
    assert _log_in(Client(), "worker", NEW_PASSWORD)["Location"] == reverse("dashboard")


@pytest.mark.django_db
def test_a_reset_link_works_only_once(client, worker, mailoutbox, django_capture_on_commit_callbacks):
    """AS-12."""
    _request_reset(client, worker.email, django_capture_on_commit_callbacks)
    path = _reset_path(mailoutbox[0])
    _choose_password(Client(), path)
    again = Client().get(path, follow=True)
    assert "This link no longer works" in again.content.decode()


@pytest.mark.django_db
def test_a_reset_for_an_unknown_address_looks_exactly_the_same_and_sends_nothing(
    client, worker, mailoutbox, django_capture_on_commit_callbacks
):
    """AS-05: no account enumeration through the reset form."""
    known = _request_reset(client, worker.email, django_capture_on_commit_callbacks)
    unknown = _request_reset(Client(), "nobody@example.org", django_capture_on_commit_callbacks)
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert len(mailoutbox) == 1
    assert _without_csrf(client.get(known["Location"]).content.decode()) == _without_csrf(
        Client().get(unknown["Location"]).content.decode()
    )


@pytest.mark.django_db
def test_someone_imported_without_a_password_can_set_their_first_one_by_reset(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory(username="new.starter", email="new.starter@example.org")
    user.set_unusable_password()
    user.save()

    _request_reset(client, "New.Starter@example.org", django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 1
    _choose_password(Client(), _reset_path(mailoutbox[0]))
    assert _log_in(Client(), "new.starter", NEW_PASSWORD)["Location"] == reverse("dashboard")


@pytest.mark.django_db
def test_an_inactive_account_gets_no_reset_mail(client, mailoutbox, django_capture_on_commit_callbacks):
    UserFactory(username="leaver", email="leaver@example.org", is_active=False)
    response = _request_reset(client, "leaver@example.org", django_capture_on_commit_callbacks)
    assert response["Location"] == reverse("password_reset_done")
    assert mailoutbox == []
    assert get_user_model().objects.get(username="leaver").check_password(DEFAULT_PASSWORD)
