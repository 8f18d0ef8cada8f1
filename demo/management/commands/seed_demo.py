"""manage.py seed_demo: a believable demo organisation with one login per role (docs/demo.md)."""

import time

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from demo.accounts import seed_totp
from demo.cases import seed_case_history
from demo.context import DEFAULT_PASSWORD, DemoContext
from demo.disclosures import seed_disclosures, seed_variation_decision
from demo.organisation import seed_accounts, seed_staff, seed_teams
from demo.people import seed_assignments, seed_carers, seed_relationships, seed_service_users
from demo.policies import seed_policies
from demo.privacy import seed_requests
from demo.registers import seed_gifts_and_actions
from demo.reporting import seed_reports

# Run in this order. Each step takes a DemoContext, returns a one-line summary and is safe to run again.
DEMO_STEPS = [
    seed_teams,
    seed_staff,
    seed_accounts,
    seed_service_users,
    seed_carers,
    seed_relationships,
    seed_assignments,
    seed_policies,
    seed_disclosures,
    seed_variation_decision,
    seed_case_history,
    seed_gifts_and_actions,
    seed_reports,
    seed_requests,
    seed_totp,  # prints each demo login's authenticator-app secret
]


def _validators_for(password):
    """The published demo password is refused everywhere but a demo (accounts.validators); here it is one."""
    if password != DEFAULT_PASSWORD:
        return None
    from accounts.validators import validators_for_demo_password

    return validators_for_demo_password()


class Command(BaseCommand):
    help = (
        "Load a demo organisation (teams, staff, service users, key workers, declared relationships) with "
        "one login per role: worker, manager, senior, safeguarding, hr, guardian, committee, auditor, admin. "
        "Safe to run again: nothing changes. Refuses to run with DEBUG off unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"The password of every demo account (default: {DEFAULT_PASSWORD}).",
        )
        parser.add_argument(
            "--cases",
            type=int,
            default=DemoContext.history_cases,
            help=f"How many cases of history to file over two years (default {DemoContext.history_cases}).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off. Never on a live system: every demo account shares one known password.",
        )

    def handle(self, *args, password, force, cases, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo makes accounts that share one published password, so it only runs with DEBUG on "
                "(a development or demo machine). If this really is a demo system, run it again with --force."
            )
        try:
            validate_password(password, password_validators=_validators_for(password))
        except ValidationError as error:
            raise CommandError("The demo password is not strong enough: " + " ".join(error.messages)) from error

        started = time.monotonic()
        ctx = DemoContext(password=password, history_cases=max(cases, 0))
        with transaction.atomic():
            for step in DEMO_STEPS:
                step_started = time.monotonic()
                summary = step(ctx)
                self.stdout.write(f"  {summary} [{time.monotonic() - step_started:.1f}s]")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo organisation ready in {time.monotonic() - started:.1f}s. Log in as worker, manager, senior, "
                f"safeguarding, hr, guardian, committee, auditor or admin with the password you chose "
                f"(default {DEFAULT_PASSWORD})."
            )
        )
