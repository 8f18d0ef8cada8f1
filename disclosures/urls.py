"""The worker's disclosure pages. Ids only in paths, never categories or content (CP-03)."""

from django.urls import path

from disclosures import views

app_name = "disclosures"

urlpatterns = [
    path("", views.disclosure_list, name="list"),
    path("new/", views.disclosure_new, name="new"),
    path("<int:pk>/", views.disclosure_detail, name="detail"),
    path("<int:pk>/edit/", views.disclosure_edit, name="edit"),
    path("<int:pk>/submitted/", views.disclosure_submitted, name="submitted"),
    path("<int:pk>/follow-ups/", views.followup_add, name="followup_add"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
]
