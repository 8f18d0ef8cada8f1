"""The DPO's actions. Each is audited; none changes a case."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from audit.models import AuditEvent
from audit.services import audit_record
from core.roles import Role
from notifications.models import OutboxMessage
from notifications.services import notification_queue


@transaction.atomic
def audit_actor_reveal(*, event: AuditEvent, reason: str, actor) -> AuditEvent:
    """The auditor sees who caused an event the audit trail shows as "the person who raised it" on a
    speak-up case (audit.selectors). Only with a reason; the reveal is an audit event of its own
    (`audit.actor.revealed`, with the reason) and every speak-up guardian is told by a content-free e-mail,
    since only the guardian otherwise knows who raised a speak-up concern (DESIGN §6)."""
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ValidationError("Say why you need to know who it was (at least a few words).")
    revealed = audit_record(
        action="audit.actor.revealed",
        actor=actor,
        object_type="audit.auditevent",
        object_id=event.pk,
        detail={"reason": reason[:500]},
    )
    guardians = get_user_model().objects.filter(groups__name=Role.SPEAK_UP_GUARDIAN.value, is_active=True)
    for guardian in guardians.exclude(pk=actor.pk).distinct():
        notification_queue(
            recipient=guardian,
            template=OutboxMessage.Template.ACTOR_REVEALED,
            link="/",
            dedupe_key=f"reveal:{revealed.pk}:{guardian.pk}",
        )
    return revealed
