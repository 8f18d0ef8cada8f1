"""The retention schedule in the admin (administrators; every change kept by simple-history and listed
on the rule's page). Holds and runs are not here: they are the DPO's and the safeguarding lead's, on
/privacy/."""

from django.contrib import admin
from django.utils.html import format_html_join

from core.admin_access import AdministratorAdminMixin
from privacy.models import RetentionRule


def _period(months) -> str:
    return "kept, never removed" if months is None else f"kept for {months} months"


@admin.register(RetentionRule)
class RetentionRuleAdmin(AdministratorAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "period_months", "counted_from"]
    readonly_fields = ["record_type", "case_group", "changes"]
    fields = ["record_type", "case_group", "counted_from", "period_months", "source", "changes"]

    def has_add_permission(self, request):
        return False  # one row per record type and case group, seeded; change the period, not the shape

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Earlier versions")
    def changes(self, obj):
        rows = obj.history.select_related("history_user").order_by("-history_date")
        return (
            format_html_join(
                "\n",
                "<div>{} by {}: {}</div>",
                (
                    (f"{h.history_date:%d/%m/%Y %H:%M}", h.history_user or "the schedule", _period(h.period_months))
                    for h in rows
                ),
            )
            or "No changes since the schedule was seeded."
        )
