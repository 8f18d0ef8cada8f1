"""Accounts and roles in the admin (DESIGN §1 "Administrator": manage accounts; no access to case content).

The people who run the system cannot read the reports (SECURITY-REQUIREMENTS AC-07), so an
administrator alone can do nothing here that would let them, or anyone, read a case:

- **Roles.** A role that reads cases, reports or the audit trail, or the Administrator role, is not
  added when the form is saved: it becomes a request (accounts.RoleGrant) that a second person
  approves on /accounts/roles/grants/ (core.roles.GRANT_APPROVER). Nobody adds a role to their own
  account. Role membership is changed only on the account page: the role (group) page is read-only,
  and no import sets roles.
- **Passwords.** Nobody sets another person's password: the account page has no password field and
  Django's "change password" page for someone else is gone; an administrator can only send a reset
  link to the person's own address (audited). A new account has no usable password until its owner
  sets one through such a link.
- **Second factors.** No django-allauth model is in the admin: removing someone's second factor is the
  two-person reset of accounts.views.mfa_resets.
"""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html_join

from accounts import services
from core.admin_access import AdministratorAdminMixin, ReadOnlyAdministratorAdminMixin, is_administrator
from core.roles import Role, grant_approver

User = get_user_model()

for model in (Authenticator, EmailAddress, SocialAccount, SocialApp, SocialToken):
    if admin.site.is_registered(model):
        admin.site.unregister(model)

admin.site.unregister(User)
admin.site.unregister(Group)


class AccountAddForm(forms.ModelForm):
    """A new account has no password anyone knows: its owner chooses one through a reset link."""

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email"]

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user


class AccountChangeForm(forms.ModelForm):
    """The account page's form: adding a role to one's own account is refused here, with the reason
    under the roles and an audit event (accounts.services.role_change_check)."""

    actor = None  # set per request by UserAdmin.get_form

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "is_active", "groups"]

    def clean_groups(self):
        groups = self.cleaned_data["groups"]
        services.role_change_check(user=self.instance, roles={g.name for g in groups}, actor=self.actor)
        return groups


@admin.register(User)
class UserAdmin(AdministratorAdminMixin, DjangoUserAdmin):
    """Accounts and their roles. Superuser and staff flags and per-user permissions are left out:
    access here is decided by role alone (DESIGN §1)."""

    form = AccountChangeForm
    add_form = AccountAddForm
    add_form_template = None  # Django's own asks for a password
    change_form_template = "admin/accounts/user/change_form.html"
    list_display = ["username", "first_name", "last_name", "email", "is_active", "roles"]
    list_filter = ["is_active", "groups"]
    search_fields = ["username", "first_name", "last_name", "email", "staff__staff_number"]
    fieldsets = [
        (None, {"fields": ["username"]}),
        ("Personal details", {"fields": ["first_name", "last_name", "email"]}),
        (
            "Access",
            {
                "fields": ["is_active", "groups"],
                "description": "Roles decide what someone can do. A role that reads cases, reports or the audit "
                "trail is added only when a second person approves it (Roles waiting for approval). "
                "Untick “Active” for a leaver instead of deleting.",
            },
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["username", "first_name", "last_name", "email"],
                "description": "The new account has no password: send its owner a reset link from the account "
                "page, and they choose their own.",
            },
        ),
    ]
    readonly_fields = ["last_login", "date_joined"]
    filter_horizontal = ["groups"]

    def get_urls(self):
        own = [
            path(
                "<int:id>/password-reset-link/",
                self.admin_site.admin_view(self.password_reset_link_view),
                name="auth_user_password_reset_link",
            )
        ]
        # Django's "<id>/password/" page (an administrator typing someone's new password) is left out.
        return own + [u for u in super().get_urls() if u.name != "auth_user_password_change"]

    def user_change_password(self, request, id, form_url=""):
        raise PermissionDenied("Nobody sets another person's password: send them a reset link.")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is not None:
            form = type("AccountChangeFormFor", (form,), {"actor": request.user})
        return form

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["label"] = "Roles"
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description="Roles")
    def roles(self, user):
        return ", ".join(group.name for group in user.groups.all())

    def has_delete_permission(self, request, obj=None):
        return False  # a leaver is made inactive; their account stays for the history

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "email" in form.changed_data:
            services.account_email_changed(user=obj, previous=form.initial.get("email") or "", actor=request.user)

    def save_related(self, request, form, formsets, change):
        """Roles go through accounts.services.roles_change: removals and the Worker role at once, every
        other role as a request for a second person. Each change is audited (AU-01), by role name only."""
        groups = form.cleaned_data.pop("groups", None)
        super().save_related(request, form, formsets, change)
        if groups is None:
            return
        result = services.roles_change(user=form.instance, roles={g.name for g in groups}, actor=request.user)
        for grant in result.waiting:
            approver = (
                "another administrator" if grant_approver(grant.role) == Role.ADMINISTRATOR else "a safeguarding lead"
            )
            messages.warning(
                request,
                f"The {grant.role_label} role is not added yet: it needs a second person. The request waits for "
                f"{approver} under “Roles waiting for approval”.",
            )

    def password_reset_link_view(self, request, id):
        """POST only: a reset link to the person's own address (accounts.services.password_reset_link_send)."""
        if request.method != "POST":
            return redirect("admin:auth_user_change", id)
        if not is_administrator(request.user):
            raise PermissionDenied
        user = get_object_or_404(User, pk=id)
        try:
            services.password_reset_link_send(user=user, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"A reset link was sent to {user.username}'s own e-mail address.")
        return redirect("admin:auth_user_change", user.pk)


@admin.register(Group)
class RoleAdmin(ReadOnlyAdministratorAdminMixin, DjangoGroupAdmin):
    """The roles are fixed (core/roles.py); membership is changed on each account's page only, where
    the second-person rule applies."""

    list_display = ["name", "member_count"]
    fields = ["name", "members"]
    readonly_fields = ["name", "members"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_member_count=Count("user"))

    @admin.display(description="Members", ordering="_member_count")
    def member_count(self, group):
        return group._member_count

    @admin.display(description="Members")
    def members(self, group):
        users = group.user_set.order_by("last_name", "first_name", "username")
        return (
            format_html_join(
                "\n",
                '<div><a href="{}">{}</a></div>',
                ((reverse("admin:auth_user_change", args=[u.pk]), u.get_full_name() or u.username) for u in users),
            )
            or "Nobody yet."
        )
