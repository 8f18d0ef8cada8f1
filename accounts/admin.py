"""No django-allauth model in the admin: an administrator alone must never remove someone's second
factor or link someone's single sign-on (the two-person reset is accounts.views.mfa_resets)."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.contrib import admin

for model in (Authenticator, EmailAddress, SocialAccount, SocialApp, SocialToken):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
