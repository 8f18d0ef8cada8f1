from django.contrib import messages
from django.contrib.auth import views as auth_views

from audit.services import audit_record
from people.forms import PasswordResetForm


class PasswordResetView(auth_views.PasswordResetView):
    """Asking for a reset link is an audit event (AU-02): one per account the link goes to, or one
    naming no account when the address matches none (what was typed is never stored)."""

    form_class = PasswordResetForm

    def form_valid(self, form):
        response = super().form_valid(form)
        users = list(form.get_users(form.cleaned_data["email"]))
        for user in users or [None]:
            audit_record(
                action="accounts.password.reset_requested",
                actor=self.request.user,
                obj=user,
                ip_address=self.request.META.get("REMOTE_ADDR"),
                detail={} if user else {"account": "none"},
            )
        return response


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
