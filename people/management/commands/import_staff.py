from people.imports import staff_import
from people.management.commands._import_base import ImportCommand


class Command(ImportCommand):
    help = "Create or update staff from the HR system's CSV export (docs/imports.md). All rows or none."
    importer = staff_import
    what = "staff"
