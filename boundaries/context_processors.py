from django.conf import settings

from boundaries.navigation import ACCOUNT, MAIN, nav_items_for
from core.roles import user_roles


def navigation(request):
    """What base.html needs on every page: the role-aware menu (boundaries/navigation.py),
    the user's role names and the organisation's name."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return {
        "user_roles": user_roles(user) if user is not None else frozenset(),
        "nav_main": nav_items_for(user, section=MAIN) if signed_in else [],
        "nav_account": nav_items_for(user, section=ACCOUNT) if signed_in else [],
        "organisation_name": settings.ORGANISATION_NAME,
    }
