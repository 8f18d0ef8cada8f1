"""The gift and hospitality register (docs/registers.md): who sees it (404 for everyone else), which rows,
the giver in words, filters, the per-giver view with its running total, the CSV export, and restricted
cases never shown to someone who may not open them."""

import csv
import io

import pytest
from django.test import override_settings
from django.urls import reverse

from audit.models import AuditEvent
from cases import services
from cases.models import Case, GiftDecision
from cases.tests.factories import gift_case
from conftest import _staff
from people.tests.factories import CarerFactory, ServiceUserFactory
from registers import views

pytestmark = pytest.mark.django_db


def _gift(reporter, *, item, value, giver, response="accepted", service_user=None):
    """A gift declared by `reporter` from `giver` (a ServiceUser or a CarerOrRelative)."""
    carers = [giver] if hasattr(giver, "relationship_to_service_user") else []
    service_user = service_user or (giver.service_user if carers else giver)
    details = {"item": item, "approx_value": value, "response": response}
    details["from_whom"] = "carer" if carers else "service_user"
    return gift_case(
        type("Org", (), {"worker": reporter})(), service_users=[service_user], carers=carers, details=details
    )


@pytest.fixture
def gifts(org):
    su = ServiceUserFactory(team=org.north_a, reference="CR-52048", initials="KC")
    daughter = CarerFactory(service_user=su, relationship_to_service_user="daughter", initials="LC")
    south_worker = _staff("south_worker", org.south, [], manager=org.other_manager)
    south_su = ServiceUserFactory(team=org.south, reference="CR-60001", initials="MT")
    cash = _gift(org.worker, item="£200 in an envelope", value="200", giver=daughter)
    watch = _gift(org.colleague, item="A watch", value="80", giver=daughter)
    flowers = _gift(south_worker, item="Flowers", value="10", giver=south_su)
    other_su = ServiceUserFactory(team=org.north_a, reference="CR-52049", initials="RS")
    secret = _gift(org.worker, item="Concert tickets", value="60", giver=other_su)
    # A restricted case (seed 002 §10.4): only its reviewer may open it.
    Case.objects.filter(pk=secret.pk).update(is_restricted=True)
    secret.restricted_to.set([secret.reviewer])
    assert len({cash.pk, watch.pk, flowers.pk, secret.pk}) == 4
    return type(
        "Gifts",
        (),
        {"cash": cash, "watch": watch, "flowers": flowers, "secret": secret, "daughter": daughter, "su": other_su},
    )


def _items(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("registers:gifts"), params)
    return response, {row["gift"].item for row in response.context["rows"]} if response.status_code == 200 else None


EVERYONE_ELSE = ("worker", "colleague", "hr", "guardian", "committee", "administrator", "superuser")


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("manager", {"£200 in an envelope", "A watch", "Concert tickets"}),  # their team; they review the secret
        ("senior", {"£200 in an envelope", "A watch"}),  # their part of the organisation; not the restricted one
        ("other_manager", {"Flowers"}),
        ("safeguarding", {"£200 in an envelope", "A watch", "Flowers"}),
        ("auditor", {"£200 in an envelope", "A watch", "Flowers"}),
        *[(p, None) for p in EVERYONE_ELSE],
    ],
)
def test_who_sees_which_gifts(client, org, gifts, persona, expected):
    user = getattr(org, persona)
    user = getattr(user, "user", user)
    response, items = _items(client, user)
    if expected is None:
        assert response.status_code == 404
        assert client.get(reverse("registers:gifts_export")).status_code == 404
        assert client.get(reverse("registers:giver_carer", args=[gifts.daughter.pk])).status_code == 404
        return
    assert response.status_code == 200
    assert items == expected
    body = response.content.decode()
    if "Concert tickets" not in expected:  # nothing of the restricted case leaks
        assert gifts.secret.reference not in body and "Concert" not in body and "CR-52049" not in body


def test_the_giver_is_named_in_words_and_the_case_linked_only_for_those_who_may_open_it(client, org, gifts):
    response, _ = _items(client, org.manager.user)
    body = response.content.decode()
    assert "Daughter of CR-52048 · KC" in body
    assert "CR-52048 · KC" in body
    assert reverse("cases:detail", args=[gifts.cash.pk]) in body
    response, _ = _items(client, org.auditor)
    assert reverse("cases:detail", args=[gifts.cash.pk]) not in response.content.decode()


def test_filters_by_worker_giver_team_outcome_and_period(client, org, gifts):
    user = org.safeguarding.user
    assert _items(client, user, worker=org.colleague.pk)[1] == {"A watch"}
    assert _items(client, user, giver=f"carer-{gifts.daughter.pk}")[1] == {"£200 in an envelope", "A watch"}
    assert _items(client, user, team=org.south.pk)[1] == {"Flowers"}
    services.case_gift_decide(
        case=gifts.cash,
        actor=org.manager.user,
        disclosure_reference=gifts.cash.disclosures.get().reference,
        decision=GiftDecision.Decision.RETURN,
        note="Given back.",
    )
    assert _items(client, user, outcome="return")[1] == {"£200 in an envelope"}
    assert _items(client, user, outcome="accepted")[1] == {"A watch", "Flowers"}
    assert _items(client, user, date_from="2000-01-01", date_to="2000-12-31")[1] == set()
    response, _ = _items(client, user, outcome="return")
    assert "Returned to the giver" in response.content.decode()


def test_a_gift_over_the_threshold_waits_for_a_decision_on_the_register(client, org, gifts):
    response, _ = _items(client, org.manager.user, worker=org.worker.pk)
    assert "Waiting for the manager" in response.content.decode()
    with override_settings(GIFT_DECISION_THRESHOLD="1000"):
        response, _ = _items(client, org.manager.user, worker=org.worker.pk)
        assert "Waiting for the manager" not in response.content.decode()


def test_pages_of_25_sorted_by_the_database(client, org, gifts, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    client.force_login(org.safeguarding.user)
    first = client.get(reverse("registers:gifts"))
    assert first.context["page"].paginator.num_pages == 3
    assert [r["gift"].item for r in first.context["rows"]] == ["Flowers"]  # newest first (then by id)
    assert views.PAGE_SIZE == 1 and "page=2" in first.content.decode()


def test_the_per_giver_view_has_the_running_total_and_the_workers(client, org, gifts):
    client.force_login(org.manager.user)
    response = client.get(reverse("registers:giver_carer", args=[gifts.daughter.pk]))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r["gift"].running_total for r in rows] == [200, 280]
    summary = response.context["summary"]
    assert summary.total == 280 and summary.count == 2 and summary.over_threshold == 2
    assert {w[0] for w in summary.workers} == {org.worker, org.colleague}
    # Another team's manager sees none of this giver's gifts: 404, not an empty page.
    client.force_login(org.other_manager.user)
    assert client.get(reverse("registers:giver_carer", args=[gifts.daughter.pk])).status_code == 404
    # The service user gave only the restricted case's gift: the senior manager may not learn of it.
    client.force_login(org.senior.user)
    assert client.get(reverse("registers:giver_service_user", args=[gifts.su.pk])).status_code == 404


def test_the_csv_export_is_formula_safe_and_audited(client, org):
    su = ServiceUserFactory(team=org.north_a)
    _gift(org.worker, item='=HYPERLINK("http://x")', value="30", giver=su)
    client.force_login(org.manager.user)
    response = client.get(reverse("registers:gifts_export"), {"worker": org.worker.pk})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == views.CSV_COLUMNS
    assert rows[1][2] == '\'=HYPERLINK("http://x")'
    event = AuditEvent.objects.get(action="registers.gifts.exported")
    assert event.actor == org.manager.user and event.detail["rows"] == 1
    assert AuditEvent.objects.filter(action="registers.gifts.viewed").count() == 0
    client.get(reverse("registers:gifts"))
    assert AuditEvent.objects.filter(action="registers.gifts.viewed").count() == 1


def test_a_worry_about_a_colleagues_gift_is_not_a_declaration_and_never_names_who_raised_it(client, org):
    from cases.tests.factories import concern_case

    su = ServiceUserFactory(team=org.north_a)
    concern_case(
        org,
        category_code="gifts-money",
        service_users=[su],
        details={"item": "A laptop", "approx_value": "400", "from_whom": "service_user", "response": "accepted"},
    )
    _, items = _items(client, org.safeguarding.user)
    assert "A laptop" not in items


def test_nobody_sees_their_own_gifts_or_a_close_colleagues(client, org, gifts):
    from people.models import Relationship
    from people.services import relationship_declare

    # The senior manager's own gift (their team is in their part of the organisation) is not theirs to oversee.
    su = ServiceUserFactory(team=org.north)
    _gift(org.senior, item="A bottle of wine", value="15", giver=su)
    assert "A bottle of wine" not in _items(client, org.senior.user)[1]
    assert "A bottle of wine" in _items(client, org.safeguarding.user)[1]
    # Nor the gifts of a colleague they have a close relationship with (DESIGN §5).
    relationship_declare(
        staff=org.senior,
        counterpart=Relationship.Counterpart.COLLEAGUE,
        kind=Relationship.Kind.PARTNER,
        began=Relationship.Began.BEFORE,
        colleague=org.colleague,
    )
    assert "A watch" not in _items(client, org.senior.user)[1]
