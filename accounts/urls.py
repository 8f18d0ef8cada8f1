from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("mfa/required/", views.mfa_required, name="mfa_required"),
    path("mfa/resets/", views.mfa_resets, name="mfa_resets"),
    path("mfa/resets/<int:pk>/", views.mfa_reset_decide, name="mfa_reset_decide"),
    path("roles/grants/", views.role_grants, name="role_grants"),
    path("roles/grants/<int:pk>/", views.role_grant_decide, name="role_grant_decide"),
]
