"""manage.py report_attack: play the reader who holds every released quarterly report (every
quarter, every revision, every table; the PDF, CSV and XLSX of a revision hold the same figures) and
try to work out the hidden small numbers with a solver (reporting/disclosure.py). One line per
hidden figure narrowed down more than REPORT_PROTECTION_INTERVAL allows, then "N cells exposed";
the exit status is 1 when N > 0."""

import sys

from django.conf import settings
from django.core.management.base import BaseCommand

from reporting.disclosure import attack
from reporting.models import QuarterlyReport
from reporting.selectors import release_of, report_releases


class Command(BaseCommand):
    help = "Try to work out hidden figures from every released quarterly report; exit 1 if any can be."

    def add_arguments(self, parser):
        parser.add_argument(
            "--include-held-back",
            action="store_true",
            help="Also hold the ready reports that are not released (failed the check, or not checked yet).",
        )
        parser.add_argument("--threshold", type=int, default=None, help="Default: REPORT_SUPPRESSION_THRESHOLD.")
        parser.add_argument("--interval", type=int, default=None, help="Default: REPORT_PROTECTION_INTERVAL.")

    def handle(self, *args, include_held_back, threshold, interval, **options):
        threshold = threshold or settings.REPORT_SUPPRESSION_THRESHOLD
        interval = interval if interval is not None else settings.REPORT_PROTECTION_INTERVAL
        if include_held_back:
            reports = QuarterlyReport.objects.filter(status=QuarterlyReport.Status.READY).order_by(
                "year", "quarter", "revision"
            )
            releases = [release_of(r) for r in reports if (r.snapshot or {}).get("cells") is not None]
        else:
            releases = report_releases()
        result = attack(releases, threshold=threshold, interval=interval)
        self.stdout.write(
            f"{len(releases)} report{'s' if len(releases) != 1 else ''} held, "
            f"{result.hidden_cells} hidden figures tried "
            f"(threshold {threshold}, protection interval {interval})."
        )
        if not result.consistent:
            self.stdout.write("Some reports contradict each other (the data changed between them).")
        for exposure in result.exposed:
            self.stdout.write(exposure.line())
        self.stdout.write(f"{len(result.exposed)} cells exposed")
        if result.exposed:
            sys.exit(1)
