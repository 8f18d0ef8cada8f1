"""Usability on the disclosure form (docs/accessibility.md), through the views:
step 2 does not read the policy extracts out on every
arrow key; step 3 puts the questions before the (collapsible) extracts, warns that a sent statement cannot
be changed above the Send button, titles an error page "Error: " and uses the people pickers, the worker's
own team first."""

import re

import pytest

from disclosures.forms import DisclosureForm
from people.tests.factories import ServiceUserFactory, StaffMemberFactory, TeamFactory
from policies.models import BoundaryCategory

NEW = "/disclosures/new/"


@pytest.fixture
def worker_client(client, org):
    client.force_login(org.worker.user)
    return client


def test_step_2_announces_a_short_sentence_not_the_policy_extracts(worker_client):
    html = worker_client.post(NEW, {"step": "kind", "kind": "self_declaration"}).content.decode()
    box = re.search(r'<div id="category-guidance"[^>]*>', html).group(0)
    assert "aria-live" not in box
    assert 'id="category-guidance-status"' in html and 'role="status"' in html


def test_step_3_puts_the_warning_above_send_and_the_extracts_in_a_collapsible_section(worker_client):
    category = BoundaryCategory.objects.get(code="gifts-money")
    html = worker_client.post(
        NEW, {"step": "category", "kind": "self_declaration", "category": category.pk}
    ).content.decode()
    assert html.index("Once sent, your statement cannot be changed") < html.index("Send it now")
    assert 'aria-describedby="send-warning"' in html
    assert '<details class="policy-extracts mb-3" open data-collapse-below="768">' in html
    assert html.count("hold Ctrl") == 3  # only in the three pickers' no-JavaScript hints, hidden by the script
    for name in ("service_users", "carers", "subjects"):
        assert re.search(rf'<select name="{name}"[^>]*data-picker="people"', html), name


def test_step_3_with_errors_is_titled_error(worker_client):
    category = BoundaryCategory.objects.get(code="gifts-money")
    data = {"step": "details", "kind": "self_declaration", "category": category.pk, "action": "submit"}
    html = worker_client.post(NEW, data).content.decode()
    assert "<title>Error: " in html and 'id="error-summary"' in html


def test_the_pickers_list_the_workers_own_team_first(org):
    elsewhere = TeamFactory(name="AAA first by name")
    StaffMemberFactory(team=elsewhere)
    ServiceUserFactory(reference="SU-00001", initials="AA", team=elsewhere)
    ServiceUserFactory(reference="SU-99999", initials="ZZ", team=org.north_a)
    form = DisclosureForm(kind="self_declaration", reporter=org.worker)
    assert form.fields["subjects"].queryset.first().team == org.worker.team
    assert form.fields["service_users"].queryset.first().reference == "SU-99999"
    assert org.worker not in form.fields["subjects"].queryset
