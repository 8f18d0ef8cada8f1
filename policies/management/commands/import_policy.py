"""manage.py import_policy FILE --title "…" [--version 1.1 --approved-by … --approved-date … --next-review-date …]

Creates a draft version from a plain-text or Markdown file, split into sections by its own
numbering (policies/parsing.py). Nothing is created if the file cannot be made sense of.
Publish the draft on its page (/policies/versions/<id>/) or with --publish.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_date as parse_iso_date

from policies.parsing import parse_date
from policies.services import PolicyError, PolicyParseError, policy_version_import, policy_version_publish


def _date(value: str | None):
    if not value:
        return None
    date = parse_iso_date(value) if "-" in value else parse_date(value)
    if date is None:
        raise CommandError(f"“{value}” is not a date. Use 18/08/2026 or 2026-08-18.")
    return date


class Command(BaseCommand):
    help = "Import a policy document (plain text or Markdown) as a draft version, split into sections."

    def create_parser(self, prog_name, subcommand, **kwargs):
        # --version is the policy's version label (docs/policies.md); Django's own --version gives way to it.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to a .txt or .md file.")
        parser.add_argument("--title", required=True, help="The policy's title; an existing title adds a version.")
        parser.add_argument("--version", dest="label", default="", help="Version label, e.g. 1.1.")
        parser.add_argument("--approved-by", default="")
        parser.add_argument("--approved-date", default=None, help="e.g. 18/08/2026")
        parser.add_argument("--next-review-date", default=None, help="e.g. 18/08/2027")
        parser.add_argument("--publish", action="store_true", help="Publish the new version at once.")
        parser.add_argument("--show-sections", action="store_true", help="List the sections found.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            result = policy_version_import(
                title=options["title"],
                source=path.read_bytes(),
                source_name=path.name,
                label=options["label"],
                approved_by=options["approved_by"],
                approved_date=_date(options["approved_date"]),
                next_review_date=_date(options["next_review_date"]),
            )
            if options["publish"]:
                policy_version_publish(version=result.version, actor=None)
        except (PolicyParseError, PolicyError) as error:
            raise CommandError(f"{path.name}: {error} Nothing was imported.") from error
        version = result.version
        sections = list(version.sections.all())
        state = "published" if options["publish"] else "a draft"
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {path.name} as version {version.label} of “{version.policy.title}” ({state}, "
                f"{len(sections)} sections, id {version.pk})."
            )
        )
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(f"  note: {warning}"))
        if options["show_sections"]:
            for section in sections:
                self.stdout.write(f"  {section.title}: {section.text[:70]!r}")
