"""Administrators cannot reach case content alone (AC-07, GlobaLeaks' rule: the people who run the system
cannot read the reports). A role that reads cases, reports or the audit trail needs a second person;
nobody gives themselves a role; nobody sets another person's password. Each refused attempt says why in
the admin and is audited (AU-03)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import RoleGrant
from accounts.services import role_grant_approve, role_grant_request, roles_change
from audit.models import AuditEvent
from core.roles import GRANT_APPROVER, Role
from notifications.models import OutboxMessage
from people.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_admin(db):
    return UserFactory(username="second_admin", roles=[Role.ADMINISTRATOR])


def _account_form(user, roles, **changes):
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "groups": [Group.objects.get(name=str(r)).pk for r in roles],
    }
    data.update(changes)
    return data


def _roles(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def test_every_role_but_worker_needs_a_second_person():
    """The list is data in one place (core.roles.GRANT_APPROVER); a new role without an entry is granted at
    once only if it is the Worker role."""
    assert set(Role) - set(GRANT_APPROVER) == {Role.WORKER}
    assert GRANT_APPROVER[Role.ADMINISTRATOR] == Role.ADMINISTRATOR
    assert {GRANT_APPROVER[r] for r in set(GRANT_APPROVER) - {Role.ADMINISTRATOR}} == {Role.SAFEGUARDING_LEAD}


def test_an_administrator_cannot_give_themselves_the_auditor_role(client, org):
    """AC-07, AU-03: the escalation the audit found (an administrator adds Auditor to their own account and
    exports the trail) fails with a clear message in the admin and an audit event."""
    admin_user = org.administrator
    client.force_login(admin_user)
    url = reverse("admin:auth_user_change", args=[admin_user.pk])
    response = client.post(url, _account_form(admin_user, [Role.ADMINISTRATOR, Role.AUDITOR]))
    assert response.status_code == 200
    assert "You cannot give yourself a role" in response.content.decode()
    assert _roles(admin_user) == {"Administrator"}
    assert not RoleGrant.objects.exists()
    event = AuditEvent.objects.get(action="accounts.roles.refused")
    assert (event.actor, event.object_id) == (admin_user, str(admin_user.pk))
    assert event.detail == {"asked": ["Auditor"], "why": "own account"}
    assert client.get(reverse("audit:list")).status_code == 404
    # Not even the Worker role, and not through the service directly.
    with pytest.raises(ValidationError, match="cannot give yourself"):
        roles_change(user=admin_user, roles={"Administrator", "Worker"}, actor=admin_user)
    with pytest.raises(ValidationError):
        role_grant_request(user=admin_user, role="Auditor", actor=admin_user)


def test_an_administrator_may_remove_their_own_roles(client, org, second_admin):
    client.force_login(second_admin)
    second_admin.groups.add(Group.objects.get(name="Worker"))
    roles_change(user=second_admin, roles={"Administrator"}, actor=second_admin)
    assert _roles(second_admin) == {"Administrator"}


def test_a_role_that_reads_cases_waits_for_the_safeguarding_lead_and_then_tells_the_person(
    client, org, django_capture_on_commit_callbacks
):
    """AC-07: granting HR to the worker needs a second person; it takes effect only once approved, is
    audited at each step, and the approvers, the person and the safeguarding lead get content-free e-mails
    (CP-07)."""
    worker = org.worker.user
    client.force_login(org.administrator)
    url = reverse("admin:auth_user_change", args=[worker.pk])
    response = client.post(url, _account_form(worker, [Role.WORKER, Role.HR]), follow=True)
    assert response.status_code == 200
    assert "The HR role is not added yet: it needs a second person" in response.content.decode()
    assert _roles(worker) == {"Worker"}
    grant = RoleGrant.objects.get()
    assert (grant.user, grant.role, grant.requested_by, grant.status) == (worker, "HR", org.administrator, "requested")
    assert AuditEvent.objects.filter(action="accounts.role_grant.requested", actor=org.administrator).exists()
    asked = OutboxMessage.objects.get(template=OutboxMessage.Template.ROLE_GRANT_REQUESTED)
    assert asked.recipient == org.safeguarding.user and asked.link == reverse("accounts:role_grants")

    # The administrator cannot approve it themselves, and the worker's case access has not changed.
    client.force_login(org.administrator)
    response = client.post(reverse("accounts:role_grant_decide", args=[grant.pk]), {"decision": "approve"}, follow=True)
    assert "You cannot decide this request" in response.content.decode()
    assert AuditEvent.objects.filter(action="accounts.role_grant.decision_refused").exists()
    assert _roles(worker) == {"Worker"}

    client.force_login(org.safeguarding.user)
    page = client.get(reverse("accounts:role_grants")).content.decode()
    assert "Approve HR for" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:role_grant_decide", args=[grant.pk]), {"decision": "approve"})
    assert response.status_code == 302
    assert _roles(worker) == {"Worker", "HR"}
    grant.refresh_from_db()
    assert (grant.status, grant.decided_by) == ("approved", org.safeguarding.user)
    assert grant.history.count() == 2
    assert AuditEvent.objects.get(action="accounts.role_grant.approved").detail["role"] == "HR"
    told = OutboxMessage.objects.get(template=OutboxMessage.Template.ROLE_GRANTED)
    assert told.recipient == worker
    sent = {m.to[0]: m for m in mail.outbox}
    assert worker.email in sent
    body = sent[worker.email].body + sent[worker.email].subject
    assert "HR" not in body and worker.username not in body  # no role, no name: content-free


def test_the_lead_is_told_when_another_lead_approves(org, second_admin, django_capture_on_commit_callbacks):
    other_lead = UserFactory(username="lead2", roles=[Role.SAFEGUARDING_LEAD])
    grant = role_grant_request(user=org.worker.user, role="Senior manager", actor=org.administrator)
    role_grant_approve(grant=grant, actor=other_lead)
    approved = OutboxMessage.objects.filter(template=OutboxMessage.Template.ROLE_GRANT_APPROVED)
    assert set(approved.values_list("recipient", flat=True)) == {org.safeguarding.user.pk}


def test_the_administrator_role_needs_a_second_administrator(client, org, second_admin):
    worker = org.worker.user
    grant = role_grant_request(user=worker, role="Administrator", actor=org.administrator)
    with pytest.raises(ValidationError, match="cannot decide"):
        role_grant_approve(grant=grant, actor=org.safeguarding.user)
    assert not worker.groups.filter(name="Administrator").exists()
    role_grant_approve(grant=grant, actor=second_admin)
    assert worker.groups.filter(name="Administrator").exists()


def test_nobody_approves_a_grant_for_themselves(org):
    """A safeguarding lead asked for by an administrator for the Auditor role cannot approve it."""
    lead = org.safeguarding.user
    grant = role_grant_request(user=lead, role="Auditor", actor=org.administrator)
    with pytest.raises(ValidationError, match="cannot decide"):
        role_grant_approve(grant=grant, actor=lead)
    assert not lead.groups.filter(name="Auditor").exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleGrant.objects.filter(pk=grant.pk).update(decided_by=lead)


def test_the_worker_role_and_removals_take_effect_at_once(client, org):
    user = UserFactory(username="newstarter", roles=[Role.COMMITTEE_MEMBER])
    result = roles_change(user=user, roles={"Worker"}, actor=org.administrator)
    assert (result.added, result.removed, result.waiting) == (["Worker"], ["Committee member"], [])
    assert _roles(user) == {"Worker"}
    assert AuditEvent.objects.get(action="accounts.roles.changed").detail == {
        "added": ["Worker"],
        "removed": ["Committee member"],
    }


def test_the_role_page_cannot_add_members(client, org):
    """Every path that changes roles goes through the account page: the role (group) page is read-only."""
    client.force_login(org.administrator)
    group = Group.objects.get(name=Role.AUDITOR)
    response = client.post(
        reverse("admin:auth_group_change", args=[group.pk]), {"name": "Auditor", "users": [org.administrator.pk]}
    )
    assert response.status_code == 403
    assert not org.administrator.groups.filter(name="Auditor").exists()
    assert client.get(reverse("admin:auth_group_add")).status_code == 403


def test_the_staff_import_never_touches_roles(client, org):
    """The CSV import creates accounts without roles beyond what exists (it has no role column)."""
    from people.imports import STAFF_COLUMNS

    assert not {"role", "roles", "groups"} & set(STAFF_COLUMNS)


# --- passwords ---------------------------------------------------------------------------------------------


def test_an_administrator_cannot_set_another_persons_password(client, org):
    """AC-07, AS-12: the audit found an administrator could set hr's password in the admin and sign in as hr.
    The page is gone, the account form has no password field, and a password in the POST is ignored."""
    hr = org.hr.user
    client.force_login(org.administrator)
    assert client.get(f"/admin/auth/user/{hr.pk}/password/").status_code in (302, 404)
    response = client.post(
        f"/admin/auth/user/{hr.pk}/password/", {"password1": "a-new-password-1", "password2": "a-new-password-1"}
    )
    assert response.status_code in (302, 404)
    page = client.get(reverse("admin:auth_user_change", args=[hr.pk])).content.decode()
    assert 'name="password"' not in page and "../password/" not in page
    client.post(
        reverse("admin:auth_user_change", args=[hr.pk]),
        _account_form(hr, [Role.WORKER, Role.HR], password="pbkdf2_sha256$1$x$y"),
    )
    hr.refresh_from_db()
    assert hr.check_password("correct-horse-battery")
    assert not hr.check_password("a-new-password-1")


def test_a_new_account_has_no_password_anyone_knows(client, org):
    client.force_login(org.administrator)
    response = client.post(
        reverse("admin:auth_user_add"),
        {"username": "newperson", "first_name": "New", "last_name": "Person", "email": "new@example.org",
         "password1": "chosen-by-admin-1", "password2": "chosen-by-admin-1", "usable_password": "true"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()
    user = get_user_model().objects.get(username="newperson")
    assert not user.has_usable_password()


def test_an_administrator_sends_a_reset_link_to_the_persons_own_address(
    client, org, django_capture_on_commit_callbacks
):
    """AS-12, AU-01: the only thing an administrator can do about someone's password, audited."""
    hr = org.hr.user
    client.force_login(org.administrator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:auth_user_password_reset_link", args=[hr.pk]), follow=True)
    assert "A reset link was sent to hr" in response.content.decode()
    assert [m.to for m in mail.outbox] == [[hr.email]]
    event = AuditEvent.objects.get(action="accounts.password.reset_link_sent")
    assert (event.actor, event.object_id) == (org.administrator, str(hr.pk))
    assert hr.check_password("correct-horse-battery")  # unchanged until hr uses the link


def test_the_reset_link_button_is_not_for_a_superuser_without_the_role(client, org):
    client.force_login(org.superuser)
    response = client.post(reverse("admin:auth_user_password_reset_link", args=[org.hr.user.pk]))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]
    assert not mail.outbox


def test_changing_someones_address_is_audited_and_the_old_address_told(client, org, django_capture_on_commit_callbacks):
    """A reset link goes to the person's own address; an administrator who changes the address first is
    recorded, and the person hears of it at the address they had."""
    hr = org.hr.user
    old = hr.email
    client.force_login(org.administrator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:auth_user_change", args=[hr.pk]),
            _account_form(hr, [Role.WORKER, Role.HR], email="someone-else@example.org"),
        )
    assert response.status_code == 302
    assert AuditEvent.objects.get(action="accounts.email.changed").actor == org.administrator
    assert [m.to for m in mail.outbox] == [[old]]
