from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import render

from boundaries.navigation import nav_items_for, roles_for, waiting_for, welcome_lines_for
from people.forms import PasswordResetForm


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm


class LogoutView(auth_views.LogoutView):
    """Django's POST-only log-out, which flushes the session on the server (AS-07), plus a
    confirmation on the log-in page and Clear-Site-Data so the browser drops cached pages."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.success(request, "You have logged out.")
        # Cookies are left alone: the message above travels in one, and the session
        # cookie is already worthless because its session was deleted on the server.
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response


def dashboard(request):
    """What each role can do here; only links to things that exist (boundaries/navigation.py)."""
    return render(
        request,
        "people/dashboard.html",
        {
            "items": nav_items_for(request.user),
            "roles": roles_for(request.user),
            "welcome_lines": welcome_lines_for(request.user),
            "waiting": waiting_for(request.user),
        },
    )
