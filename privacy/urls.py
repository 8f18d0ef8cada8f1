"""The DPO's pages: retention and legal holds, data subjects' requests (privacy.permissions)."""

from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("audit/<int:pk>/reveal/", views.audit_actor_reveal, name="audit_actor_reveal"),
]
