"""seed_demo's gifts and actions (demo/registers.py; docs/registers.md): one giver with gifts to two workers,
the one over the threshold decided, and an action the demo worker owns. Seeded once for the module."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from cases.models import Action, GiftDecision
from demo.registers import CASH, CHOCOLATES
from disclosures.models import Disclosure

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(module_transaction, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(DEBUG=True):
        call_command("seed_demo", "--cases", "0", stdout=StringIO())


def test_one_giver_gave_to_two_workers_and_the_gift_over_the_threshold_is_decided(client, seeded):
    chocolates = Disclosure.objects.get(narrative=CHOCOLATES)
    cash = Disclosure.objects.get(narrative=CASH)
    assert list(chocolates.carers.all()) == list(cash.carers.all()) != []
    assert chocolates.reporter.user.username == "worker" and cash.reporter != chocolates.reporter
    assert GiftDecision.objects.get(disclosure_reference=cash.reference).decision == GiftDecision.Decision.RETURN
    assert not GiftDecision.objects.filter(disclosure_reference=chocolates.reference).exists()
    client.force_login(get_user_model().objects.get(username="manager"))  # password and second factor
    carer = cash.carers.get()
    page = client.get(reverse("registers:giver_carer", args=[carer.pk]))
    assert page.status_code == 200 and page.context["summary"].total == 212
    assert "Returned to the giver" in page.content.decode()


def test_the_demo_worker_has_an_action_to_do(client, seeded):
    assert Action.objects.filter(owner__user__username="worker", status=Action.Status.OPEN).exists()
    client.force_login(get_user_model().objects.get(username="worker"))
    assert client.get(reverse("actions:list")).status_code == 200
    assert "My actions" in client.get(reverse("dashboard")).content.decode()


def test_running_the_step_again_adds_nothing(seeded, debug_on):
    before = (Disclosure.objects.count(), GiftDecision.objects.count(), Action.objects.count())
    call_command("seed_demo", "--cases", "0", stdout=StringIO())
    assert (Disclosure.objects.count(), GiftDecision.objects.count(), Action.objects.count()) == before
