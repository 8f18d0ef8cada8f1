from django.db import models

from audit.context import request_id_var
from audit.models import AuditEvent


def _printable(value):
    """The detail with every NUL character shown as U+FFFD: PostgreSQL cannot store NUL in JSON text, and a
    filter typed with one is still recorded (as typed, minus the NUL)."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {_printable(k): _printable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_printable(v) for v in value]
    return value


def audit_record(
    *,
    action: str,
    actor=None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    ip_address: str | None = None,
    detail: dict | None = None,
) -> AuditEvent:
    """Write one audit event; the only way events are made."""
    if obj is not None:
        object_type = obj._meta.label_lower
        object_id = obj.pk
    if actor is not None and not actor.is_authenticated:
        actor = None
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        object_type=object_type,
        object_id=_printable(str(object_id)),
        request_id=request_id_var.get(),
        ip_address=ip_address,
        detail=_printable(detail or {}),
    )
