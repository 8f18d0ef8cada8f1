from django.contrib.auth import forms as auth_forms
from django.db import transaction


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Sends the reset e-mail through Celery after commit, so a slow mail server never holds
    the page and the task carries only the user's id (JR-02, JR-06)."""

    def get_users(self, email):
        """Every active account with this address, including staff imported from HR who
        have not set a password yet: the reset link is how they choose their first one."""
        from django.contrib.auth import get_user_model

        return get_user_model()._default_manager.filter(email__iexact=email, is_active=True)

    def save(self, *args, **kwargs):
        from people.tasks import password_reset_email_send

        for user in self.get_users(self.cleaned_data["email"]):
            transaction.on_commit(lambda pk=user.pk: password_reset_email_send.delay(pk), robust=True)
