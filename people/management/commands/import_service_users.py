from people.imports import service_user_import
from people.management.commands._import_base import ImportCommand


class Command(ImportCommand):
    help = "Create or update service users (reference and initials) from a CSV export (docs/imports.md). All or none."
    importer = service_user_import
    what = "service users"
