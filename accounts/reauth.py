"""Re-authentication before sensitive actions (AS-11): a password or second factor given within the
last ACCOUNT_REAUTHENTICATION_TIMEOUT seconds (10 minutes), or the person is asked for one and then
carried on to what they asked for.

- `@reauthentication_required` for a function view, `ReauthenticationRequiredMixin` for a class;
- `ReauthenticationMiddleware` applies the same rule to the URL names in settings.REAUTHENTICATION_REQUIRED,
  so views in other apps (the audit export, report files, role changes in the admin) need no import.
"""

from allauth.account.adapter import get_adapter
from allauth.account.decorators import reauthentication_required as _allauth_reauthentication_required
from allauth.account.internal.flows import reauthentication
from django.conf import settings
from django.urls import reverse


def reauthentication_required(function=None, *, allow_get=False):
    """Ask for the password or second factor again unless given within the last ten minutes."""
    return _allauth_reauthentication_required(function, allow_get=allow_get)


class ReauthenticationRequiredMixin:
    """Put first in a class-based view's bases."""

    reauthentication_allow_get = False

    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)
        return reauthentication_required(view, allow_get=cls.reauthentication_allow_get)


def recently_authenticated(request) -> bool:
    return not reauthentication.is_reauthentication_required(request, app="")


def reauthentication_response(request):
    """Where to go to prove it is still you; the request (even a POST) is resumed afterwards."""
    methods = get_adapter().get_reauthentication_methods(request.user)
    target = methods[0]["url"] if methods else reverse("account_login")
    return reauthentication.suspend_request(request, target)


class ReauthenticationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or not request.user.is_authenticated:
            return None
        methods = settings.REAUTHENTICATION_REQUIRED.get(match.view_name)
        if methods is None or (methods != "*" and request.method not in methods):
            return None
        if recently_authenticated(request):
            return None
        return reauthentication_response(request)
