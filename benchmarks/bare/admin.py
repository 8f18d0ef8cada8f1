from django.contrib import admin

from bare.models import Case


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["reference", "status", "priority", "category", "team", "reviewer", "opened_at"]
    list_filter = ["status", "priority"]
    list_select_related = ["category", "team", "reviewer"]
    ordering = ["-opened_at", "-id"]
    list_per_page = 25
