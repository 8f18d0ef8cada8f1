"""Who may use the Django admin, in one place (DESIGN §1 "Administrator": manage accounts, teams,
service-user references, policies, categories; no access to case content).

- `BoundariesAdminSite` replaces the default `admin.site` (see boundaries/apps.py, which installs it): only an active
  user holding the Administrator role gets in. `is_staff` plays no part, and a superuser without the
  role gets nothing (AC-07).
- `AdministratorAdminMixin` goes first in every ModelAdmin and inline, so each one answers view,
  add, change and delete from the same role. Superuser status therefore adds nothing: Django's
  model permissions, which a superuser holds and no role group does, are never asked. A ModelAdmin
  registered without the mixin (a third-party app's, such as django-celery-beat's) is made
  read-only for administrators when it is registered (`BoundariesAdminSite.register`), inlines too;
  an app that wants more re-registers the model with its own ModelAdmin (notifications/admin.py
  does so for the Celery-beat schedules, with every change audited).
- The admin has no log-in page of its own: it sends people to the site's one log-in page, and a
  signed-in user without the role gets 403.
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.views.decorators.cache import never_cache

from core.roles import Role, has_role


def is_administrator(user) -> bool:
    """Active, and holding the Administrator role: the admin's own pages and every model in it."""
    return bool(user is not None and user.is_active and has_role(user, Role.ADMINISTRATOR))


def is_rules_editor(user) -> bool:
    """May this user edit the rules table (urgency, alerts, prompts)? Administrators and the safeguarding lead,
    who owns what the rules decide; the lead sees nothing else in the admin."""
    return is_administrator(user) or bool(
        user is not None and user.is_active and has_role(user, Role.SAFEGUARDING_LEAD)
    )


class BoundariesAdminSite(admin.AdminSite):
    site_header = "Boundaries administration"
    site_title = "Boundaries administration"
    index_title = "Accounts, teams and service-user references"

    def has_permission(self, request):
        return is_administrator(request.user) or is_rules_editor(request.user)

    def register(self, model_or_iterable, admin_class=None, **options):
        """Every ModelAdmin answers from the Administrator role (read-only unless it says otherwise)."""
        super().register(model_or_iterable, administrator_only(admin_class or admin.ModelAdmin), **options)

    @method_decorator(never_cache)
    @login_not_required
    def login(self, request, extra_context=None):
        """One log-in page for the whole site (its lock-out and audit apply here too)."""
        target = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("admin:index", current_app=self.name)
        if not request.user.is_authenticated:
            return redirect_to_login(target, settings.LOGIN_URL)
        if self.has_permission(request):
            return HttpResponseRedirect(target)
        raise PermissionDenied("The administration pages are for administrators.")


class AdministratorAdminMixin:
    """Put first in a ModelAdmin's bases: every permission comes from the Administrator role."""

    def has_module_permission(self, request):
        return is_administrator(request.user)

    def has_view_permission(self, request, obj=None):
        return is_administrator(request.user)

    def has_add_permission(self, request, *args, **kwargs):
        return is_administrator(request.user)

    def has_change_permission(self, request, obj=None):
        return is_administrator(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_administrator(request.user)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """Django's split date and time boxes get a name each (WCAG 4.1.2: every control is labelled)."""
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        parts = getattr(getattr(field, "widget", None), "widgets", None)
        if field is not None and parts and len(parts) == 2 and isinstance(db_field, models.DateTimeField):
            label = capfirst(str(db_field.verbose_name))
            parts[0].attrs["aria-label"] = f"{label}: date"
            parts[1].attrs["aria-label"] = f"{label}: time"
        return field


class ReadOnlyAdministratorAdminMixin(AdministratorAdminMixin):
    """Administrators may look, not change: for records another workflow owns."""

    def has_add_permission(self, request, *args, **kwargs):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def administrator_only(admin_class):
    """The ModelAdmin (or inline) class as it is if it asks the Administrator role already, otherwise the
    same class made read-only for administrators, its inlines too (deny by default, AC-07)."""
    if not issubclass(admin_class, AdministratorAdminMixin):
        admin_class = type(admin_class.__name__, (ReadOnlyAdministratorAdminMixin, admin_class), {})
    inlines = [administrator_only(inline) for inline in getattr(admin_class, "inlines", [])]
    if inlines != list(getattr(admin_class, "inlines", [])):
        admin_class = type(admin_class.__name__, (admin_class,), {"inlines": inlines})
    return admin_class


class RulesEditorAdminMixin(AdministratorAdminMixin):
    """For the rules table only: administrators and the safeguarding lead (is_rules_editor)."""

    def has_module_permission(self, request):
        return is_rules_editor(request.user)

    def has_view_permission(self, request, obj=None):
        return is_rules_editor(request.user)

    def has_add_permission(self, request, *args, **kwargs):
        return is_rules_editor(request.user)

    def has_change_permission(self, request, obj=None):
        return is_rules_editor(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_rules_editor(request.user)
