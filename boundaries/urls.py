"""URLs. Every view needs a log-in (LoginRequiredMiddleware) except these public ones (AC-01):

- healthz (liveness), readyz (readiness: database, Redis, storage)
- csp_report (browsers post Content-Security-Policy violations)
- accounts: login, password reset (request, sent, confirm, complete)
- admin login (Django admin's own, which then checks staff status)
- django-allauth's sign-in steps: the second factor, passkey log-in, single sign-on (tests/test_url_access.py)

tests/test_url_access.py walks the whole URLconf and fails if any other view answers anonymously.
"""

from allauth.account import views as allauth_views
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from accounts import views as accounts_views
from boundaries import views
from people import views as people_views

admin.site.site_header = "Boundaries administration"
admin.site.site_title = "Boundaries administration"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("csp-report/", accounts_views.csp_report, name="csp_report"),
    # Log-in is django-allauth's (throttling, second factor, passkeys, single sign-on; docs/security.md).
    path("accounts/login/", allauth_views.LoginView.as_view(), name="login"),
    path("accounts/password_reset/", people_views.PasswordResetView.as_view(), name="password_reset"),
    # Added by the UI/foundation work: log-out with a confirmation message and Clear-Site-Data (AS-07).
    path("accounts/logout/", people_views.LogoutView.as_view(), name="logout"),
    path("accounts/password_change/", accounts_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/password_reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        accounts_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    # allauth's own sign-up, e-mail and password pages are not used: accounts come from HR, and the
    # password pages above are the product's.
    path("accounts/signup/", RedirectView.as_view(pattern_name="login")),
    path("accounts/email/", RedirectView.as_view(pattern_name="dashboard")),
    path("accounts/password/change/", RedirectView.as_view(pattern_name="password_change")),
    path("accounts/password/set/", RedirectView.as_view(pattern_name="password_change")),
    re_path(r"^accounts/password/reset/", RedirectView.as_view(pattern_name="password_reset")),
    re_path(r"^accounts/confirm-email/", RedirectView.as_view(pattern_name="dashboard")),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("policies/", include("policies.urls")),
    path("disclosures/", include("disclosures.urls")),
    path("reports/", include("reporting.urls")),
    path("cases/", include("cases.urls")),
    path("actions/", include("cases.action_urls")),
    path("registers/", include("registers.urls")),
    path("audit/", include("audit.urls")),
    path("privacy/", include("privacy.urls")),
]
