"""manage.py compile_report --quarter 2026-Q3: ask for that quarter's report through the same
service and task as the page; when tasks run in-process (no REDIS_URL) it is compiled before
the command returns, otherwise `--wait` waits for the worker."""

import time

from django.core.management.base import BaseCommand, CommandError

from reporting.models import QuarterlyReport
from reporting.periods import Quarter
from reporting.services import report_request


class Command(BaseCommand):
    help = "Ask for the quarterly safeguarding report of one quarter (e.g. --quarter 2026-Q3)."

    def add_arguments(self, parser):
        parser.add_argument("--quarter", required=True, help="The quarter, e.g. 2026-Q3.")
        parser.add_argument("--wait", type=int, default=0, metavar="SECONDS", help="Wait this long for a worker.")

    def handle(self, *args, quarter, wait, **options):
        try:
            period = Quarter.parse(quarter)
            report, created = report_request(quarter=period, trigger=QuarterlyReport.Trigger.COMMAND)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if not created:
            self.stdout.write(f"A report for {period} is already {report.get_status_display().lower()}.")
        deadline = time.monotonic() + wait
        report.refresh_from_db(fields=["status", "compile_seconds", "last_error", "revision", "pdf_sha256"])
        while report.is_active and time.monotonic() < deadline:
            time.sleep(1)
            report.refresh_from_db(fields=["status", "compile_seconds", "last_error", "revision", "pdf_sha256"])
        if report.status == QuarterlyReport.Status.READY:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{period} revision {report.revision} is ready ({report.compile_seconds:.1f} s); "
                    f"PDF sha256 {report.pdf_sha256}"
                )
            )
        elif report.status == QuarterlyReport.Status.FAILED:
            raise CommandError(f"{period} revision {report.revision} failed: {report.last_error}")
        else:
            self.stdout.write(f"{period} revision {report.revision} is {report.get_status_display().lower()}.")
