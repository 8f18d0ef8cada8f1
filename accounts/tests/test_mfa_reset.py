"""A lost second factor is reset only by two different people (safeguarding lead or administrator),
audited, and the person is e-mailed (AS-01)."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from accounts.models import MfaReset
from accounts.services import mfa_reset_approve, mfa_reset_request
from accounts.testing import totp_enrol
from audit.models import AuditEvent
from core.roles import Role
from people.tests.factories import UserFactory


@pytest.fixture
def second_admin(db):
    return UserFactory(username="second_admin", roles=[Role.ADMINISTRATOR])


@pytest.mark.django_db
def test_an_administrator_alone_can_never_remove_a_second_factor(org):
    manager = org.manager.user
    totp_enrol(manager)
    reset = mfa_reset_request(user=manager, reason="Phone lost", actor=org.administrator)
    with pytest.raises(ValidationError):
        mfa_reset_approve(reset=reset, actor=org.administrator)
    assert Authenticator.objects.filter(user=manager).exists()


@pytest.mark.django_db
def test_the_database_refuses_the_same_person_asking_and_approving(org):
    reset = mfa_reset_request(user=org.manager.user, reason="Phone lost", actor=org.administrator)
    reset.decided_by = org.administrator
    with pytest.raises(IntegrityError), transaction.atomic():
        reset.save()


@pytest.mark.django_db
def test_nobody_asks_for_their_own_reset_and_other_roles_cannot_ask(org):
    with pytest.raises(ValidationError):
        mfa_reset_request(user=org.administrator, reason="mine", actor=org.administrator)
    with pytest.raises(PermissionDenied):
        mfa_reset_request(user=org.worker.user, reason="x", actor=org.manager.user)


@pytest.mark.django_db
def test_a_second_person_approves_everything_goes_the_sessions_end_and_the_person_is_emailed(
    org, second_admin, mailoutbox, django_capture_on_commit_callbacks
):
    manager = org.manager.user
    totp_enrol(manager)
    RecoveryCodes.activate(manager)
    elsewhere = Client()
    elsewhere.force_login(manager)
    reset = mfa_reset_request(user=manager, reason="Phone lost on 3 March", actor=org.safeguarding.user)
    with django_capture_on_commit_callbacks(execute=True):
        mfa_reset_approve(reset=reset, actor=second_admin)

    assert not Authenticator.objects.filter(user=manager).exists()
    reset.refresh_from_db()
    assert reset.status == MfaReset.Status.APPROVED
    assert (reset.requested_by, reset.decided_by) == (org.safeguarding.user, second_admin)
    assert elsewhere.get(reverse("dashboard")).status_code == 302
    assert [m.to for m in mailoutbox] == [[manager.email]]
    assert "second factor" in mailoutbox[0].subject
    requested = AuditEvent.objects.get(action="accounts.mfa.reset_requested")
    done = AuditEvent.objects.get(action="accounts.mfa.reset")
    assert (requested.actor, done.actor) == (org.safeguarding.user, second_admin)
    assert done.object_id == str(manager.pk)
    assert sorted(done.detail["removed"]) == ["recovery_codes", "totp"]


@pytest.mark.django_db
def test_the_reset_page_is_only_for_safeguarding_leads_and_administrators(client, org):
    for person in (org.worker.user, org.manager.user, org.auditor, org.committee):
        client.force_login(person)
        assert client.get(reverse("accounts:mfa_resets")).status_code == 404
    client.force_login(org.safeguarding.user)
    assert client.get(reverse("accounts:mfa_resets")).status_code == 200


@pytest.mark.django_db
def test_the_two_steps_through_the_pages(org, second_admin, django_capture_on_commit_callbacks):
    manager = org.manager.user
    totp_enrol(manager)
    asker, approver = Client(), Client()
    asker.force_login(org.administrator)
    approver.force_login(second_admin)
    response = asker.post(reverse("accounts:mfa_resets"), {"username": "manager", "reason": "Phone lost"})
    assert response.status_code == 302
    reset = MfaReset.objects.get()
    page = asker.get(reverse("accounts:mfa_resets")).content.decode()
    assert "Another person must decide" in page
    asker.post(reverse("accounts:mfa_reset_decide", args=[reset.pk]), {"decision": "approve"})
    assert Authenticator.objects.filter(user=manager).exists()
    with django_capture_on_commit_callbacks(execute=True):
        approver.post(reverse("accounts:mfa_reset_decide", args=[reset.pk]), {"decision": "approve"})
    assert not Authenticator.objects.filter(user=manager).exists()
