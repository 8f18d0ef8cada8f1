"""The audit-trail viewer: only the Auditor role (audit.permissions.can_read_audit_trail); 404 for others."""

from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("export.csv", views.event_export, name="export"),
]
