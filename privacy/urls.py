"""The DPO's pages: retention and legal holds, data subjects' requests (privacy.permissions)."""

from django.urls import path

from privacy import holds_views, retention_views

app_name = "privacy"

urlpatterns = [
    path("retention/", retention_views.retention_page, name="retention"),
    path("holds/", holds_views.hold_list, name="holds"),
    path("holds/new/", holds_views.hold_new, name="hold_new"),
    path("holds/<int:pk>/lift/", holds_views.hold_lift, name="hold_lift"),
]
