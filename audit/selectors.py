from django.db.models import QuerySet

from audit.models import AuditEvent
from audit.permissions import can_read_audit_trail


def audit_event_list_for(user) -> QuerySet[AuditEvent]:
    """The audit events this user may read, newest first: all of them for the auditor, none otherwise."""
    if not can_read_audit_trail(user):
        return AuditEvent.objects.none()
    return AuditEvent.objects.select_related("actor").order_by("-occurred_at", "-pk")
