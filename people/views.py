from django.contrib import messages
from django.contrib.auth import views as auth_views

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
