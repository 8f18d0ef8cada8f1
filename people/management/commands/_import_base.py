"""What import_staff and import_service_users share: the file, the options, the report."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from people.imports import ImportRejected


class ImportCommand(BaseCommand):
    importer = None  # people.imports.staff_import or service_user_import
    what = ""

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file (UTF-8, header on the first line; see docs/imports.md).")
        parser.add_argument(
            "--create-teams", action="store_true", help="Create any team the file names that does not exist yet."
        )
        parser.add_argument("--dry-run", action="store_true", help="Check the whole file; write nothing.")
        parser.add_argument("--by", metavar="USERNAME", help="The account the audit trail records as importing.")

    def handle(self, *args, file, create_teams, dry_run, by, **options):
        actor = None
        if by:
            actor = get_user_model().objects.filter(username=by).first()
            if actor is None:
                raise CommandError(f"--by: there is no account called {by}.")
        try:
            with open(file, "rb") as handle:
                result = type(self).importer(file=handle, actor=actor, create_teams=create_teams, dry_run=dry_run)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from exc
        except ImportRejected as exc:
            lines = "\n".join(str(error) for error in exc.errors)
            raise CommandError(
                f"{file} was not imported and nothing was changed. "
                f"Correct these {len(exc.errors)} problem(s) and run it again:\n{lines}"
            ) from exc
        prefix = "Checked (nothing written)" if dry_run else "Imported"
        self.stdout.write(self.style.SUCCESS(f"{prefix} {self.what} from {file}: {result.summary()}"))
