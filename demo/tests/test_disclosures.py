"""seed_demo files a few disclosures of every kind through the same service the form uses
(demo/disclosures.py). The organisation is seeded once for the module (demo/tests/conftest.py)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from audit.models import AuditEvent
from cases.models import Action, VariationDecision
from disclosures.models import Disclosure
from policies.models import DisclosureKind

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(module_transaction, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(DEBUG=True):
        call_command("seed_demo", "--cases", "0", stdout=StringIO())


def test_seed_demo_files_disclosures_of_every_kind_through_the_filing_service(seeded):
    submitted = Disclosure.objects.filter(status=Disclosure.Status.SUBMITTED)
    assert set(submitted.values_list("kind", flat=True)) == set(DisclosureKind.values)
    for disclosure in submitted:
        # What disclosure_submit does and a bulk insert would not: a reference, a routed case,
        # an audit event and a history row with the service's reason.
        assert disclosure.reference and disclosure.case_id and disclosure.case.reviewer_id
        assert AuditEvent.objects.filter(
            action="disclosures.disclosure.submitted", object_id=str(disclosure.pk), actor=disclosure.reporter.user
        ).exists()
        assert disclosure.history.filter(history_change_reason="disclosures.disclosure.submitted").exists()
    assert Disclosure.objects.filter(status=Disclosure.Status.DRAFT, reporter__user__username="worker").exists()


def test_running_seed_demo_again_files_no_more_disclosures(seeded, debug_on):
    before = Disclosure.objects.count()
    call_command("seed_demo", "--cases", "0", stdout=StringIO())
    assert Disclosure.objects.count() == before


def test_the_demo_worker_has_a_plan_decided_with_conditions_that_became_their_actions(seeded):
    """seed 000 §5.7–5.8: the allotment trip is agreed with conditions before its date."""
    decision = VariationDecision.objects.get(case__disclosures__reporter__user__username="worker")
    assert decision.decision == VariationDecision.Decision.AGREED_WITH_CONDITIONS
    conditions = Action.objects.filter(case=decision.case, template__code="variation-condition")
    assert conditions.count() == 2 and {a.owner.user.username for a in conditions} == {"worker"}
