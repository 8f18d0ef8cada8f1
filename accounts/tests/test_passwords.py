"""AS-02: context words, the demo password outside the demo, and a new password equal to the old."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from accounts.validators import DEMO_PASSWORD
from audit.models import AuditEvent
from people.tests.factories import DEFAULT_PASSWORD, UserFactory


@pytest.mark.django_db
@pytest.mark.parametrize(
    "password",
    [
        "Boundaries-2026-spring",  # the product's name
        "riverside care partnership 7",  # the organisation's name
        "RiversideCare!!99x",  # part of it
        "my-jo.bloggs-password",  # the username
        DEMO_PASSWORD,  # the demo's published password, DEBUG off
    ],
)
def test_passwords_with_context_words_or_the_demo_password_are_refused(password):
    user = UserFactory.build(username="jo.bloggs")
    with pytest.raises(ValidationError):
        validate_password(password, user)


@pytest.mark.django_db
def test_a_long_passphrase_is_accepted():
    validate_password("plum kettle harbour seventeen 🌧", UserFactory.build(username="jo.bloggs"))


@pytest.mark.django_db
def test_the_demo_password_is_allowed_only_on_a_demo_machine():
    with override_settings(DEBUG=True):
        validate_password(DEMO_PASSWORD)
    with override_settings(DEBUG=False), pytest.raises(ValidationError):
        validate_password(DEMO_PASSWORD)


@pytest.mark.django_db
def test_a_new_password_equal_to_the_old_one_is_refused(client, worker):
    client.force_login(worker)
    response = client.post(
        reverse("password_change"),
        {"old_password": DEFAULT_PASSWORD, "new_password1": DEFAULT_PASSWORD, "new_password2": DEFAULT_PASSWORD},
    )
    assert response.status_code == 200
    assert "must be different from your current one" in response.content.decode()


@pytest.mark.django_db
def test_changing_the_password_is_audited(client, worker):
    client.force_login(worker)
    new = "plum-kettle-harbour-7"
    data = {"old_password": DEFAULT_PASSWORD, "new_password1": new, "new_password2": new}
    client.post(reverse("password_change"), data)
    assert AuditEvent.objects.filter(action="accounts.password.changed", actor=worker).count() == 1


@pytest.mark.django_db
def test_a_reset_refuses_the_current_password_and_a_new_one_is_audited(client, worker):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(worker.pk))
    token = default_token_generator.make_token(worker)
    form_url = client.get(reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token}))["Location"]
    same = client.post(form_url, {"new_password1": DEFAULT_PASSWORD, "new_password2": DEFAULT_PASSWORD})
    assert "must be different from your current one" in same.content.decode()
    new = "plum-kettle-harbour-7"
    done = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    assert AuditEvent.objects.filter(action="accounts.password.reset", actor=worker).count() == 1


@pytest.mark.django_db
def test_after_a_reset_a_reviewer_still_needs_the_second_factor(client, manager):
    """AS-12: a password reset does not sign anyone in, so it cannot bypass the second factor."""
    from accounts.testing import totp_enrol

    totp_enrol(manager)
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(manager.pk))
    token = default_token_generator.make_token(manager)
    form_url = client.get(reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token}))["Location"]
    new = "plum-kettle-harbour-7"
    client.post(form_url, {"new_password1": new, "new_password2": new})
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("login"), {"login": "manager", "password": new})
    assert response["Location"] == reverse("mfa_authenticate")
