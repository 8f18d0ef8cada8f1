from django.contrib.admin.apps import AdminConfig


class BoundariesAdminConfig(AdminConfig):
    """The Django admin with the Administrator-role rule of boundaries/admin_access.py as its default site."""

    default_site = "boundaries.admin_access.BoundariesAdminSite"
