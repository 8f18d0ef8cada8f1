"""The DPO's pages: retention and legal holds, data subjects' requests (privacy.permissions)."""

from django.urls import path

from privacy import holds_views, retention_views, views
from privacy.requests import views as requests

app_name = "privacy"

urlpatterns = [
    # Retention and legal holds (docs/retention.md).
    path("retention/", retention_views.retention_page, name="retention"),
    path("holds/", holds_views.hold_list, name="holds"),
    path("holds/new/", holds_views.hold_new, name="hold_new"),
    path("holds/<int:pk>/lift/", holds_views.hold_lift, name="hold_lift"),
    # Data subjects' requests (docs/privacy.md).
    path("requests/", requests.request_list_view, name="requests"),
    path("requests/new/", requests.request_new, name="request_new"),
    path("requests/<int:pk>/", requests.request_detail, name="request"),
    path("requests/<int:pk>/extend/", requests.request_extend, name="request_extend"),
    path("requests/<int:pk>/decide/", requests.request_decide, name="request_decide"),
    path("requests/<int:pk>/correct/", requests.request_correct, name="request_correct"),
    path("requests/<int:pk>/erase/", requests.request_erase, name="request_erase"),
    path("requests/<int:pk>/restrict/", requests.request_restrict, name="request_restrict"),
    path("requests/<int:pk>/lift/", requests.request_lift_restriction, name="request_lift"),
    path("requests/<int:pk>/copy/", requests.sar_draft, name="sar_draft"),
    path("requests/<int:pk>/copy/withhold/", requests.sar_redact, name="sar_redact"),
    path("requests/<int:pk>/copy/release/", requests.sar_release, name="sar_release"),
    path("requests/<int:pk>/copy/download/", requests.sar_download, name="sar_download"),
    path("requests/<int:pk>/copy/<str:item_key>/", requests.sar_record, name="sar_record"),
    path("who-looked/", requests.who_looked_view, name="who_looked"),
    # The audit trail: revealing who raised a speak-up concern (docs/security.md "Insiders").
    path("audit/<int:pk>/reveal/", views.audit_actor_reveal, name="audit_actor_reveal"),
]
