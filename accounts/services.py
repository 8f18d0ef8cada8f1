"""Resetting a lost second factor: two different people, audited, and the person is told (AS-01)."""

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from accounts.models import MfaReset
from accounts.permissions import can_handle_mfa_resets
from audit.services import audit_record


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
