"""seed_demo's requests from data subjects (demo/privacy.py; docs/privacy.md): an access request in progress and
an erasure request refused with its reason, on the DPO's pages. Seeded once for the module."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from demo.privacy import ACCESS_DETAILS, ERASURE_DETAILS
from privacy.models import RightsRequest

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(module_transaction, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(DEBUG=True):
        call_command("seed_demo", "--cases", "20", stdout=StringIO())


def test_the_dpo_sees_an_access_request_in_progress_and_an_erasure_refused_with_its_reason(client, seeded):
    access = RightsRequest.objects.get(details=ACCESS_DETAILS)
    assert access.kind == RightsRequest.Kind.ACCESS and access.is_open and not access.is_overdue()
    erasure = RightsRequest.objects.get(details=ERASURE_DETAILS)
    assert erasure.status == RightsRequest.Status.REFUSED and "Article 17(3)" in erasure.decision_reason
    client.force_login(get_user_model().objects.get(username="auditor"))
    listing = client.get(reverse("privacy:requests"))
    assert listing.status_code == 200
    page = client.get(reverse("privacy:request", args=[erasure.pk])).text
    assert "Refused" in page and "Article 17(3)" in page
    assert "Open the draft copy" in client.get(reverse("privacy:request", args=[access.pk])).text
    assert client.get(reverse("privacy:sar_draft", args=[access.pk])).status_code == 200


def test_seeding_again_logs_nothing_more(seeded):
    before = RightsRequest.objects.count()
    with override_settings(DEBUG=True):
        call_command("seed_demo", "--cases", "20", stdout=StringIO())
    assert RightsRequest.objects.count() == before == 2
