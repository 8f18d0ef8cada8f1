"""Administrators edit the risk matrix's words and bands and the action library; nobody sees cases in the
admin (DESIGN §1 "Administrator": no case content; AC-07)."""

import pytest
from django.urls import reverse

from cases.models import ActionTemplate, RiskBand, RiskScaleLabel

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [RiskScaleLabel, RiskBand, ActionTemplate])
def test_an_administrator_can_open_the_reference_data(client, org, model):
    client.force_login(org.administrator)
    url = reverse(f"admin:cases_{model._meta.model_name}_changelist")
    assert client.get(url).status_code == 200


def test_an_administrator_renames_a_band_and_the_change_is_in_its_history(client, org):
    client.force_login(org.administrator)
    band = RiskBand.objects.get(code="high")
    data = {
        "code": "high",
        "label": "Significant",
        "min_score": 8,
        "max_score": 12,
        "is_high": "on",
        "colour": "danger",
    }
    response = client.post(reverse("admin:cases_riskband_change", args=[band.pk]), data)
    assert response.status_code == 302
    band.refresh_from_db()
    assert band.label == "Significant"
    assert band.history.latest().history_user == org.administrator


def test_a_band_that_overlaps_another_is_refused_with_a_reason(client, org):
    client.force_login(org.administrator)
    band = RiskBand.objects.get(code="moderate")
    data = {"code": "moderate", "label": "Moderate", "min_score": 4, "max_score": 9, "colour": "warning"}
    response = client.post(reverse("admin:cases_riskband_change", args=[band.pk]), data)
    assert response.status_code == 200
    assert "overlap the band" in response.text and "High" in response.text
    band.refresh_from_db()
    assert band.max_score == 6


@pytest.mark.parametrize("persona", ["manager", "safeguarding", "superuser"])
def test_no_one_else_may_edit_them(client, org, persona):
    person = getattr(org, persona)
    client.force_login(getattr(person, "user", person))
    assert client.get(reverse("admin:cases_riskband_changelist")).status_code in (302, 403)


def test_cases_themselves_are_not_in_the_admin(client, org):
    client.force_login(org.administrator)
    page = client.get(reverse("admin:index")).text
    assert "/admin/cases/case/" not in page and "Risk bands" in page
