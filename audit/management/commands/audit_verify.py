"""manage.py audit_verify [--seal]: check the daily chain over the audit trail (audit/chain.py).

Exits 0 when every sealed day still matches, 1 naming the first day that does not. The outcome is
recorded as an `audit.chain.verified` event, which the auditor's page shows.
"""

from django.core.management.base import BaseCommand, CommandError

from audit.chain import seal_until, verify_and_record


class Command(BaseCommand):
    help = "Check the daily hash chain over the audit trail and report the first day that fails."

    def add_arguments(self, parser):
        parser.add_argument("--seal", action="store_true", help="seal every finished day first")

    def handle(self, *args, seal=False, **options):
        if seal:
            sealed = seal_until()
            self.stdout.write(f"Sealed {len(sealed)} day(s).")
        report = verify_and_record()
        if not report.days:
            self.stdout.write("No day is sealed yet: nothing to verify.")
            return
        if not report.ok:
            raise CommandError(f"Audit chain broken: first bad day {report.first_bad_day:%Y-%m-%d}: {report.problem}.")
        resealed = f", {len(report.resealed)} resealed after removal by retention" if report.resealed else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit chain intact: {report.days} day(s) from {report.first_day:%Y-%m-%d} "
                f"to {report.last_day:%Y-%m-%d}{resealed}."
            )
        )
