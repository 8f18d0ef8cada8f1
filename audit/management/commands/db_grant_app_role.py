"""manage.py db_grant_app_role ROLE: give the application's restricted database role exactly what it
needs (audit/roles.py), connected as the owner role, after `migrate`. Safe to run again."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from audit.roles import app_role_grants, grant_app_role


class Command(BaseCommand):
    help = "Grant the application's restricted PostgreSQL role its privileges (run as the owner after migrate)."

    def add_arguments(self, parser):
        parser.add_argument("role")
        parser.add_argument("--print", action="store_true", help="print the statements instead of running them")

    def handle(self, *args, role, **options):
        if options["print"]:
            for statement in app_role_grants(role, connection.ops.quote_name):
                self.stdout.write(statement + ";")
            return
        if connection.vendor != "postgresql":
            raise CommandError("Database roles need PostgreSQL.")
        with transaction.atomic():
            grant_app_role(connection, role)
        self.stdout.write(self.style.SUCCESS(f"Granted the application's privileges to {role}."))
