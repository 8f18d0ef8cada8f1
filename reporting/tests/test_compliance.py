"""Policy acknowledgement compliance has one definition (policies.selectors.COMPLIANCE_DEFINITION):
the manager's compliance page, the administrator's organisation-wide page and the quarterly report give
the same figures for the same team at the same moment, and each says the definition."""

import time_machine
from django.urls import reverse
from django.utils.html import escape

from policies.models import Acknowledgement
from policies.selectors import COMPLIANCE_DEFINITION
from reporting.tests.conftest import Q2
from reporting.tests.factories import at


def _page_rows(client, user):
    response = client.get(reverse("policies:compliance"))
    assert response.status_code == 200
    assert escape(COMPLIANCE_DEFINITION) in response.content.decode()
    teams = {}
    for row in response.context["rows"]:
        made, staff = teams.get(row.team_name, (0, row.staff_count))
        teams[row.team_name] = (made + row.acknowledged_count, staff)
    return {name: [staff, made] for name, (made, staff) in teams.items()}


def test_compliance_figures_match_between_the_pages_and_the_report_for_the_same_team_and_moment(
    client, org, dataset, django_capture_on_commit_callbacks
):
    # After the quarter's end the colleague acknowledges too: the report (at the quarter's end) must not count it.
    Acknowledgement.objects.create(
        version=dataset.version, user=org.colleague.user, acknowledged_at=at("2026-08-03T09:00")
    )
    from reporting.services import report_request

    with django_capture_on_commit_callbacks(execute=True):
        report, _ = report_request(quarter=Q2, trigger="person", requested_by=org.committee)
    report.refresh_from_db()
    table = next(t for t in report.snapshot["tables"] if t["key"] == "compliance")
    in_report = {row["label"]: row["cells"] for row in table["rows"]}
    assert in_report["North A"] == [3, 1, 2, "33%"]  # manager, worker, colleague; the worker acknowledged
    definition = next(d["meaning"] for d in report.snapshot["definitions"] if d["term"].startswith("Policy"))
    assert definition.startswith(COMPLIANCE_DEFINITION)

    with time_machine.travel(Q2.end_at, tick=False):
        client.force_login(org.senior.user)  # North A's staff are all below the senior manager
        senior = _page_rows(client, org.senior.user)
        client.force_login(org.administrator)  # the organisation-wide page
        everyone = _page_rows(client, org.administrator)
    assert senior["North A"] == in_report["North A"][:2]
    for team, (staff, made) in everyone.items():
        assert in_report[team][:2] == [staff, made], team
    assert set(everyone) == set(in_report)

    client.force_login(org.senior.user)  # today the colleague's acknowledgement counts
    assert _page_rows(client, org.senior.user)["North A"] == [3, 2]
