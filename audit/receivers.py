"""Authentication events (AU-02). Django sends these signals; each one becomes an audit event."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils.crypto import salted_hmac

from audit.refusals import flush_repeats
from audit.services import audit_record


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


@receiver(user_logged_in, dispatch_uid="audit_logged_in")
def _on_logged_in(sender, request, user, **kwargs):
    audit_record(action="accounts.login.succeeded", actor=user, obj=user, ip_address=_client_ip(request))


@receiver(user_logged_out, dispatch_uid="audit_logged_out")
def _on_logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action="accounts.logout", actor=user, obj=user, ip_address=_client_ip(request))
        flush_repeats(user, everything=True)  # the refusals counted this minute, before the session ends


# The key of the HMAC below is derived from SECRET_KEY with this salt (django.utils.crypto.salted_hmac).
UNKNOWN_USERNAME_SALT = "boundaries.audit.unknown-username"


def unknown_username_mark(typed: str) -> str:
    """A keyed, shortened fingerprint of an unknown user name typed at log-in (docs/security.md).

    Repeated tries with the same unknown name share a mark, so the auditor can see a guessing run;
    without the server's SECRET_KEY nobody can test a guess against it (an unsalted SHA-256 of a
    short name, or of a password typed into the wrong box, falls to a dictionary in seconds).
    16 hex characters (64 bits) are plenty to tell the names in one audit trail apart.
    """
    return salted_hmac(UNKNOWN_USERNAME_SALT, typed, algorithm="sha256").hexdigest()[:16]


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _on_login_failed(sender, credentials, request=None, **kwargs):
    """Name the account when it exists; otherwise keep only a keyed mark of what was typed."""
    username = credentials.get("username") or ""
    user = get_user_model().objects.filter(username=username).first()
    detail = {} if user else {"username_hmac": unknown_username_mark(username)}
    audit_record(
        action="accounts.login.failed",
        object_type=user._meta.label_lower if user else "",
        object_id=user.pk if user else "",
        ip_address=_client_ip(request),
        detail=detail,
    )
