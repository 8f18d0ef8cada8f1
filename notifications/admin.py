from django.contrib import admin

from notifications.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Read-only: lets an administrator see failed deliveries. Holds no case content (CP-07)."""

    list_display = ["created_at", "template", "recipient", "status", "attempts", "last_error", "sent_at"]
    list_filter = ["status", "template"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
