from django.contrib.admin.apps import AdminConfig


class BoundariesAdminConfig(AdminConfig):
    """The Django admin with the Administrator-role rule of core/admin_access.py as its default site."""

    default_site = "core.admin_access.BoundariesAdminSite"
