from allauth.account import forms as allauth_forms
from allauth.mfa.webauthn import forms as allauth_webauthn_forms
from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model

from core.forms import PARAGRAPH_MAX

SAME_PASSWORD = "Your new password must be different from your current one."


class _NotTheSamePassword:
    def clean(self):
        cleaned_data = super().clean()
        password = cleaned_data.get("new_password1")
        if password and not self.errors and self.user.check_password(password):
            self.add_error("new_password1", forms.ValidationError(SAME_PASSWORD, code="password_unchanged"))
        return cleaned_data


class PasswordChangeForm(_NotTheSamePassword, auth_forms.PasswordChangeForm):
    """Django's, refusing a new password equal to the old one (AS-02)."""


class SetPasswordForm(_NotTheSamePassword, auth_forms.SetPasswordForm):
    """The reset link's form, refusing the password the account already has."""


class MfaResetRequestForm(forms.Form):
    username = forms.CharField(label="Username of the person who lost their device", max_length=150)
    reason = forms.CharField(
        label="Why",
        max_length=PARAGRAPH_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: phone lost on 3 March; identity checked in person by …",
    )

    def clean_username(self):
        user = get_user_model().objects.filter(username=self.cleaned_data["username"], is_active=True).first()
        if user is None:
            raise forms.ValidationError("There is no active account with that username.")
        return user


class LoginForm(allauth_forms.LoginForm):
    """allauth's log-in form with the product's wording: labels only, and one "forgotten password" link
    below the form (in the template)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)
        self.fields["password"].help_text = ""


class AddWebAuthnForm(allauth_webauthn_forms.AddWebAuthnForm):
    """A passkey by default: it verifies the person on the device, so it can log in on its own."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = "Name"
        if "passwordless" in self.fields:
            self.fields["passwordless"].initial = True
            self.fields["passwordless"].label = "Also use it to log in without a password (a passkey)"
            self.fields["passwordless"].help_text = "Needs your fingerprint, face or PIN on the device."
