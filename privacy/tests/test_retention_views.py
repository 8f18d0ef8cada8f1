"""The retention page and the legal-hold pages: who may open them, and what they show (docs/retention.md)."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from cases.models import Outcome
from cases.tests.factories import close, concern_case
from privacy.models import LegalHold, RetentionRun

PERSONAS = [
    "worker",
    "manager",
    "senior",
    "safeguarding",
    "hr",
    "guardian",
    "committee",
    "auditor",
    "administrator",
    "superuser",
]
RETENTION = "/privacy/retention/"
HOLDS = ["/privacy/holds/", "/privacy/holds/new/"]


def _user(org, persona):
    person = getattr(org, persona)
    return getattr(person, "user", person)


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_dpo_opens_the_retention_page(client, org, persona):
    """AC-07: every role but the Auditor / DPO gets 404, superuser and administrator included."""
    client.force_login(_user(org, persona))
    assert client.get(RETENTION).status_code == (200 if persona == "auditor" else 404)
    assert client.post(RETENTION).status_code == (302 if persona == "auditor" else 404)


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_dpo_and_the_safeguarding_lead_manage_legal_holds(client, org, persona):
    client.force_login(_user(org, persona))
    expected = 200 if persona in ("auditor", "safeguarding") else 404
    assert [client.get(url).status_code for url in HOLDS] == [expected, expected]


def test_the_page_shows_what_falls_due_and_what_is_held_by_reference_only(client, org, time_machine):
    case = close(concern_case(org), org.manager.user, Outcome.UNFOUNDED)
    held = close(concern_case(org), org.manager.user, Outcome.UNFOUNDED)
    LegalHold.objects.create(
        case=held, reason="Employment tribunal claim.", review_date=datetime.date(2040, 1, 1), placed_by=org.auditor
    )
    time_machine.move_to(timezone.localdate() + relativedelta(months=11))
    client.force_login(org.auditor)
    html = client.get(RETENTION).content.decode()
    assert case.reference in html and held.reference in html and "Yes: kept by a legal hold" in html
    assert "Employment tribunal claim." in html and "1 January 2040" in html
    narrative = case.disclosures.get().narrative
    assert narrative and narrative not in html  # never case content
    assert AuditEvent.objects.filter(action="privacy.retention.viewed", actor=org.auditor).exists()


def test_the_dry_run_button_shows_exactly_what_would_go_and_changes_nothing(client, org, time_machine):
    case = close(concern_case(org), org.manager.user, Outcome.UNFOUNDED)
    narrative = case.disclosures.get().narrative
    time_machine.move_to(timezone.localdate() + relativedelta(months=13))
    client.force_login(org.auditor)
    response = client.post(RETENTION, follow=True)
    run = RetentionRun.objects.get()
    assert run.dry_run and run.requested_by == org.auditor
    html = response.content.decode()
    assert f"?dry_run={run.pk}" in response.redirect_chain[0][0]
    assert case.reference in html and "1 disclosure" in html
    assert case.disclosures.get().narrative == narrative


def test_the_safeguarding_lead_places_and_lifts_a_hold_on_a_person(client, org):
    client.force_login(org.safeguarding.user)
    when = (timezone.localdate() + datetime.timedelta(days=200)).isoformat()
    response = client.post(
        "/privacy/holds/new/",
        {"on": "staff", "reference": org.colleague.staff_number, "reason": "Police request.", "review_date": when},
    )
    assert response.status_code == 302
    hold = LegalHold.objects.get()
    assert hold.staff == org.colleague and hold.placed_by == org.safeguarding.user
    assert org.colleague.staff_number in client.get("/privacy/holds/").content.decode()
    assert client.post(f"/privacy/holds/{hold.pk}/lift/", {"reason": "Closed by the police."}).status_code == 302
    hold.refresh_from_db()
    assert hold.lifted_by == org.safeguarding.user and hold.lift_reason == "Closed by the police."
    assert list(
        AuditEvent.objects.filter(action__startswith="privacy.hold.").values_list("action", flat=True).order_by("pk")
    ) == [
        "privacy.hold.placed",
        "privacy.hold.lifted",
    ]


def test_a_hold_with_a_wrong_reference_says_so_and_keeps_what_was_typed(client, org):
    client.force_login(org.auditor)
    response = client.post(
        "/privacy/holds/new/",
        {"on": "case", "reference": "C-1999-00001", "reason": "A claim.", "review_date": "2020-01-01"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<title>Error: " in html
    assert "There is no case with that reference." in html and "The review date must be in the future." in html
    assert 'value="C-1999-00001"' in html and "A claim." in html
    assert not LegalHold.objects.exists()


def test_lifting_needs_a_reason(client, org):
    case = concern_case(org)
    hold = LegalHold.objects.create(
        case=case, reason="A claim.", review_date=datetime.date(2040, 1, 1), placed_by=org.auditor
    )
    client.force_login(org.auditor)
    response = client.post(reverse("privacy:hold_lift", args=[hold.pk]), {"reason": ""})
    assert response.status_code == 200 and "Say why the hold can be lifted" in response.content.decode()
    hold.refresh_from_db()
    assert hold.is_active


def test_an_administrator_changes_a_period_in_the_admin_and_the_change_is_kept(client, org):
    from privacy.models import RecordType, RetentionRule

    rule = RetentionRule.objects.get(record_type=RecordType.OUTBOX)
    client.force_login(org.administrator)
    url = reverse("admin:privacy_retentionrule_change", args=[rule.pk])
    data = {"counted_from": "record_made", "period_months": "6", "source": rule.source}
    assert client.post(url, data).status_code == 302
    rule.refresh_from_db()
    assert rule.period_months == 6 and rule.history.latest().history_user == org.administrator
    assert "kept for 6 months" in client.get(url).content.decode()
    client.force_login(org.auditor)
    assert client.get(url).status_code in (302, 403)
