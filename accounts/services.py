"""Resetting a lost second factor: two different people, audited, and the person is told (AS-01)."""

from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import MfaReset, RoleGrant
from accounts.permissions import can_decide_role_grant, can_handle_mfa_resets
from audit.services import audit_record
from core.roles import Role, grant_approver
from notifications.models import OutboxMessage
from notifications.services import notification_queue
from people.tasks import password_reset_email_send


@transaction.atomic
def mfa_reset_request(*, user, reason: str, actor) -> MfaReset:
    """A safeguarding lead or administrator asks for someone's second factor to be removed."""
    if not can_handle_mfa_resets(actor):
        raise PermissionDenied
    if user.pk == actor.pk:
        raise ValidationError("You cannot ask for your own second factor to be reset; ask a colleague.")
    if not reason.strip():
        raise ValidationError("Say why the second factor needs resetting.")
    reset = MfaReset.objects.create(user=user, reason=reason.strip(), requested_by=actor)
    audit_record(action="accounts.mfa.reset_requested", actor=actor, obj=user, detail={"reset_id": reset.pk})
    return reset


@transaction.atomic
def mfa_reset_approve(*, reset: MfaReset, actor) -> MfaReset:
    """A second person approves: every authenticator (app, passkeys, recovery codes) is removed,
    the person's sessions end, and they are e-mailed."""
    reset = MfaReset.objects.select_for_update().get(pk=reset.pk)
    if not can_handle_mfa_resets(actor):
        raise PermissionDenied
    if reset.status != MfaReset.Status.REQUESTED:
        raise ValidationError("This request has already been decided.")
    if actor.pk in (reset.requested_by_id, reset.user_id):
        raise ValidationError("A different person must approve: not whoever asked, and not the person themselves.")
    user = reset.user
    removed = sorted(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    Authenticator.objects.filter(user=user).delete()
    reset.status = MfaReset.Status.APPROVED
    reset.decided_by = actor
    reset.decided_at = timezone.now()
    reset.save(update_fields=["status", "decided_by", "decided_at"])
    _sessions_end(user)
    audit_record(
        action="accounts.mfa.reset",
        actor=actor,
        obj=user,
        detail={"reset_id": reset.pk, "requested_by": reset.requested_by_id, "removed": removed},
    )
    if user.email:
        transaction.on_commit(lambda: _tell(user_id=user.pk), robust=True)
    return reset


@transaction.atomic
def mfa_reset_cancel(*, reset: MfaReset, actor) -> MfaReset:
    """Whoever can approve may also turn a request down."""
    reset = MfaReset.objects.select_for_update().get(pk=reset.pk)
    if not can_handle_mfa_resets(actor) or actor.pk == reset.user_id:
        raise PermissionDenied
    if reset.status != MfaReset.Status.REQUESTED:
        raise ValidationError("This request has already been decided.")
    reset.status = MfaReset.Status.CANCELLED
    reset.decided_by = actor if actor.pk != reset.requested_by_id else None
    reset.decided_at = timezone.now()
    reset.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(action="accounts.mfa.reset_cancelled", actor=actor, obj=reset.user, detail={"reset_id": reset.pk})
    return reset


def _sessions_end(user) -> None:
    from django.contrib.sessions.models import Session

    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()


def _tell(*, user_id: int) -> None:
    user = get_user_model().objects.get(pk=user_id)
    send_mail(
        subject=f"Your {settings.ORGANISATION_NAME} Boundaries second factor was reset",
        message=(
            f"Hello {user.get_full_name() or user.username},\n\n"
            "The second factor (authenticator app, passkeys and recovery codes) on your Boundaries account "
            "was removed at your organisation's request, approved by two people. The next time you log in "
            "you will be asked to set up a new one.\n\n"
            "If you did not ask for this, tell your safeguarding lead or IT at once.\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )


# --- roles: granting one that reads cases, reports or the audit trail needs a second person -----------


class RoleChangeRefused(ValidationError):
    """A change of roles nobody may make (their own); the message says why, for the page."""


@dataclass
class RolesChange:
    added: list[str]
    removed: list[str]
    waiting: list[RoleGrant]


def role_change_check(*, user, roles: set[str], actor) -> None:
    """Refuse (audited, RoleChangeRefused) a change of roles nobody may make: adding any role to one's
    own account. Removing one's own roles is allowed."""
    before = set(user.groups.values_list("name", flat=True)) if user.pk else set()
    if user.pk == actor.pk and roles - before:
        audit_record(
            action="accounts.roles.refused",
            actor=actor,
            obj=user,
            detail={"asked": sorted(roles - before), "why": "own account"},
        )
        raise RoleChangeRefused(
            "You cannot give yourself a role. Ask another administrator; a role that reads cases, reports "
            "or the audit trail then needs a safeguarding lead's approval too (another administrator's for "
            "the Administrator role)."
        )


def roles_change(*, user, roles: set[str], actor) -> RolesChange:
    """Set an account's roles as an administrator chose them (the admin's account page).

    Removing a role and granting one that needs nobody's approval (Worker) take effect at once.
    Every role in core.roles.GRANT_APPROVER becomes a RoleGrant waiting for a second person instead
    (the approvers are e-mailed). A change to one's own roles that adds anything is refused and audited.
    """
    role_change_check(user=user, roles=roles, actor=actor)  # its audit event stays even when refused
    with transaction.atomic():
        return _roles_set(user=user, roles=roles, actor=actor)


def _roles_set(*, user, roles: set[str], actor) -> RolesChange:
    before = set(user.groups.values_list("name", flat=True))
    removed = before - roles
    at_once = {name for name in roles - before if grant_approver(name) is None}
    waiting = [role_grant_request(user=user, role=name, actor=actor) for name in sorted(roles - before - at_once)]
    if removed:
        user.groups.remove(*Group.objects.filter(name__in=removed))
    if at_once:
        user.groups.add(*Group.objects.filter(name__in=at_once))
    if removed or at_once:
        audit_record(
            action="accounts.roles.changed",
            actor=actor,
            obj=user,
            detail={"added": sorted(at_once), "removed": sorted(removed)},
        )
    return RolesChange(added=sorted(at_once), removed=sorted(removed), waiting=waiting)


@transaction.atomic
def role_grant_request(*, user, role: str, actor) -> RoleGrant:
    """Ask for a role that needs a second person; the people who may approve it are e-mailed."""
    if user.pk == actor.pk:
        raise RoleChangeRefused("You cannot ask for a role for yourself.")
    approver = grant_approver(role)
    if approver is None:
        raise ValidationError(f"The {role} role needs nobody's approval.")
    pending = RoleGrant.objects.filter(user=user, role=role, status=RoleGrant.Status.REQUESTED).first()
    if pending is not None:
        return pending
    grant = RoleGrant(user=user, role=role, requested_by=actor)
    grant._history_user = actor
    grant.save()
    audit_record(
        action="accounts.role_grant.requested", actor=actor, obj=user, detail={"grant_id": grant.pk, "role": role}
    )
    for person in _holders(approver).exclude(pk__in=[actor.pk, user.pk]):
        notification_queue(
            recipient=person,
            template=OutboxMessage.Template.ROLE_GRANT_REQUESTED,
            link=reverse("accounts:role_grants"),
            dedupe_key=f"rolegrant:{grant.pk}:requested:{person.pk}",
        )
    return grant


def role_grant_approve(*, grant: RoleGrant, actor) -> RoleGrant:
    """A second person approves: the role is added, audited, and the person and the safeguarding leads
    are told by a content-free e-mail. Anyone else is refused, and the attempt is audited."""
    _decider_check(actor=actor, grant=grant)
    with transaction.atomic():
        return _grant_approve(grant=grant, actor=actor)


def _grant_approve(*, grant: RoleGrant, actor) -> RoleGrant:
    grant = RoleGrant.objects.select_for_update().get(pk=grant.pk)
    if grant.status != RoleGrant.Status.REQUESTED:
        raise ValidationError("This request has already been decided.")
    user = grant.user
    user.groups.add(Group.objects.get(name=grant.role))
    grant.status = RoleGrant.Status.APPROVED
    grant.decided_by = actor
    grant.decided_at = timezone.now()
    grant._history_user = actor
    grant.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(
        action="accounts.role_grant.approved",
        actor=actor,
        obj=user,
        detail={"grant_id": grant.pk, "role": grant.role, "requested_by": grant.requested_by_id},
    )
    audit_record(action="accounts.roles.changed", actor=actor, obj=user, detail={"added": [grant.role], "removed": []})
    notification_queue(
        recipient=user,
        template=OutboxMessage.Template.ROLE_GRANTED,
        link="/",
        dedupe_key=f"rolegrant:{grant.pk}:granted",
    )
    for lead in _holders(Role.SAFEGUARDING_LEAD).exclude(pk__in=[actor.pk, user.pk]):
        notification_queue(
            recipient=lead,
            template=OutboxMessage.Template.ROLE_GRANT_APPROVED,
            link=reverse("accounts:role_grants"),
            dedupe_key=f"rolegrant:{grant.pk}:approved:{lead.pk}",
        )
    return grant


def role_grant_refuse(*, grant: RoleGrant, actor) -> RoleGrant:
    """An approver turns the request down, or whoever asked withdraws it."""
    if actor.pk != grant.requested_by_id:
        _decider_check(actor=actor, grant=grant)
    with transaction.atomic():
        return _grant_refuse(grant=grant, actor=actor)


def _grant_refuse(*, grant: RoleGrant, actor) -> RoleGrant:
    grant = RoleGrant.objects.select_for_update().get(pk=grant.pk)
    if grant.status != RoleGrant.Status.REQUESTED:
        raise ValidationError("This request has already been decided.")
    withdrawing = actor.pk == grant.requested_by_id
    grant.status = RoleGrant.Status.REFUSED
    grant.decided_by = None if withdrawing else actor
    grant.decided_at = timezone.now()
    grant._history_user = actor
    grant.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(
        action="accounts.role_grant.refused",
        actor=actor,
        obj=grant.user,
        detail={"grant_id": grant.pk, "role": grant.role, "withdrawn": withdrawing},
    )
    return grant


_DECIDER_MESSAGE = (
    "You cannot decide this request: a safeguarding lead (another administrator for the Administrator role) "
    "decides, and never the person who asked or the person it is for."
)


def _decider_check(*, actor, grant: RoleGrant) -> None:
    """Refuse (audited, outside any transaction that could undo the event) anyone who may not decide."""
    if not can_decide_role_grant(actor, grant):
        audit_record(
            action="accounts.role_grant.decision_refused",
            actor=actor,
            obj=grant.user,
            detail={"grant_id": grant.pk, "role": grant.role},
        )
        raise RoleChangeRefused(_DECIDER_MESSAGE)


def _holders(role: Role):
    return get_user_model().objects.filter(groups__name=role.value, is_active=True).distinct()


# --- passwords: an administrator sends a reset link, never sets one --------------------------------------


def password_reset_link_send(*, user, actor) -> None:
    """An administrator sends someone a reset link to that person's own address (audited). Nobody sets
    another person's password: the admin has no page for it (docs/roles.md)."""
    if user.pk == actor.pk:
        raise ValidationError("Change your own password from the account menu.")
    if not user.is_active or not user.email:
        raise ValidationError("This account is inactive or has no e-mail address: there is nowhere to send a link.")
    audit_record(action="accounts.password.reset_link_sent", actor=actor, obj=user)
    transaction.on_commit(lambda: password_reset_email_send.delay(user.pk), robust=True)


def account_email_changed(*, user, previous: str, actor) -> None:
    """An administrator changed someone's e-mail address: audited, and the previous address is told, so a
    reset link sent to a new address the person does not own cannot go unnoticed (docs/security.md)."""
    audit_record(action="accounts.email.changed", actor=actor, obj=user, detail={"had_address": bool(previous)})
    if previous:
        transaction.on_commit(lambda: _tell_previous_address(address=previous), robust=True)


def _tell_previous_address(*, address: str) -> None:
    send_mail(
        subject=f"The e-mail address on your {settings.ORGANISATION_NAME} Boundaries account was changed",
        message=(
            "Hello,\n\n"
            "An administrator changed the e-mail address on your Boundaries account, so messages and password "
            "reset links now go to another address.\n\n"
            "If you did not ask for this, tell your safeguarding lead or IT at once.\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[address],
    )
