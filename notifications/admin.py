"""The outbox and the Celery-beat schedules in the admin, for the Administrator role only
(core/admin_access.py: superuser status adds nothing).

- The outbox is read-only and shows what an administrator needs to see a delivery that failed: when,
  which kind of message, its status and the error's class. Never the link (it points at a case or a
  disclosure) and never the recipient of a message sent to a party to a concern
  (OutboxMessage.PARTY_TEMPLATES: the person a notice is about, the person who raised a concern), since
  who received one is case content (CP-07, AC-07).
- The schedules (django-celery-beat) may be changed, one at a time: each save or delete is an audit
  event (`admin.schedule.changed`, `admin.schedule.deleted`); the bulk actions, which would change rows
  without one, are removed.
"""

from django.contrib import admin
from django_celery_beat import admin as beat_admin
from django_celery_beat.models import ClockedSchedule, CrontabSchedule, IntervalSchedule, PeriodicTask, SolarSchedule

from audit.services import audit_record
from core.admin_access import AdministratorAdminMixin, ReadOnlyAdministratorAdminMixin
from notifications.models import OutboxMessage

PARTY = "a person in a case (not shown)"


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdministratorAdminMixin, admin.ModelAdmin):
    """Read-only: lets an administrator see failed deliveries. Holds no case content (CP-07)."""

    list_display = ["created_at", "template", "to", "status", "attempts", "last_error", "sent_at"]
    list_filter = ["status", "template"]
    date_hierarchy = "created_at"
    fields = ["created_at", "template", "to", "status", "attempts", "last_error", "queued_at", "sent_at"]
    readonly_fields = fields
    list_select_related = ["recipient"]

    @admin.display(description="To")
    def to(self, message):
        if message.template in OutboxMessage.PARTY_TEMPLATES:
            return PARTY
        return message.recipient.get_username()


class AuditedScheduleMixin:
    """Each schedule saved or deleted in the admin is an audit event; no bulk actions (they skip it)."""

    actions = None

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(
            action="admin.schedule.changed",
            actor=request.user,
            obj=obj,
            detail={"added": not change, "fields": sorted(form.changed_data)},
        )

    def delete_model(self, request, obj):
        audit_record(action="admin.schedule.deleted", actor=request.user, obj=obj, detail={"name": str(obj)[:100]})
        super().delete_model(request, obj)


class PeriodicTaskInline(ReadOnlyAdministratorAdminMixin, beat_admin.PeriodicTaskInline):
    pass


def _schedule_admin(base):
    return type(
        base.__name__,
        (AuditedScheduleMixin, AdministratorAdminMixin, base),
        {"inlines": [PeriodicTaskInline] if getattr(base, "inlines", None) else []},
    )


for model, base in (
    (PeriodicTask, beat_admin.PeriodicTaskAdmin),
    (ClockedSchedule, beat_admin.ClockedScheduleAdmin),
    (CrontabSchedule, beat_admin.CrontabScheduleAdmin),
    (SolarSchedule, beat_admin.SolarScheduleAdmin),
    (IntervalSchedule, beat_admin.IntervalScheduleAdmin),
):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, _schedule_admin(base))
