"""The retention schedule in the admin (administrators; every change kept by simple-history). Holds and
runs are not here: they are the DPO's and the safeguarding lead's, on /privacy/."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin_access import AdministratorAdminMixin
from privacy.models import RetentionRule


@admin.register(RetentionRule)
class RetentionRuleAdmin(AdministratorAdminMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "period_months", "counted_from"]
    readonly_fields = ["record_type", "case_group"]
    fields = ["record_type", "case_group", "counted_from", "period_months", "source"]

    def has_add_permission(self, request):
        return False  # one row per record type and case group, seeded; change the period, not the shape

    def has_delete_permission(self, request, obj=None):
        return False
