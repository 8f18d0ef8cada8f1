"""URLs. Every view needs a log-in (LoginRequiredMiddleware) except these public ones (AC-01):

- healthz
- accounts: login, password reset (request, sent, confirm, complete)
- admin login (Django admin's own, which then checks staff status)

tests/test_url_access.py walks the whole URLconf and fails if any other view answers anonymously.
"""

from django.contrib import admin
from django.urls import include, path

from boundaries import views
from people import views as people_views

admin.site.site_header = "Boundaries administration"
admin.site.site_title = "Boundaries administration"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/password_reset/", people_views.PasswordResetView.as_view(), name="password_reset"),
    # Added by the UI/foundation work: log-out with a confirmation message and Clear-Site-Data (AS-07).
    path("accounts/logout/", people_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("policies/", include("policies.urls")),
    path("disclosures/", include("disclosures.urls")),
    path("reports/", include("reporting.urls")),
    path("cases/", include("cases.urls")),
    path("actions/", include("cases.action_urls")),
    path("registers/", include("registers.urls")),
    path("audit/", include("audit.urls")),
]
