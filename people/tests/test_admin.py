"""The admin is for the Administrator role only (DESIGN §1; core/admin_access.py)."""

import datetime
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from audit.models import AuditEvent
from core.admin_access import BoundariesAdminSite
from core.roles import Role
from people.models import Assignment, Relationship, ServiceUser, StaffMember
from people.tests.factories import CarerFactory, RelationshipFactory, ServiceUserFactory

FIXTURES = Path(__file__).parent / "fixtures"

CHANGELISTS = {
    # url name: (a search term, text the matching row shows)
    "admin:people_team_changelist": ("North", "North A"),
    "admin:people_staffmember_changelist": ("worker", "Support worker"),
    "admin:people_serviceuser_changelist": ("SU-ADMIN", "SU-ADMIN"),
    "admin:people_carerorrelative_changelist": ("SU-ADMIN", "mother"),
    "admin:people_assignment_changelist": ("SU-ADMIN", "SU-ADMIN"),
    "admin:people_relationship_changelist": ("SU-ADMIN", "SU-ADMIN"),
    "admin:auth_user_changelist": ("safeguarding", "safeguarding"),
    "admin:auth_group_changelist": ("Admin", "Administrator"),
}


@pytest.fixture
def records(org):
    service_user = ServiceUserFactory(reference="SU-ADMIN", initials="JB", team=org.north_a)
    CarerFactory(service_user=service_user, relationship_to_service_user="mother")
    Assignment.objects.create(
        staff=org.colleague, service_user=service_user, role="support_worker", start_date=datetime.date(2026, 1, 5)
    )
    RelationshipFactory(
        staff=org.worker,
        service_user=service_user,
        kind=Relationship.Kind.ROMANTIC,
        arrangement="CANARY-arrangement-7f3a",
    )
    return service_user


def test_the_default_admin_site_is_the_role_checking_one():
    assert isinstance(admin.site, BoundariesAdminSite)


@pytest.mark.parametrize("url_name", list(CHANGELISTS))
def test_an_administrator_can_open_every_people_changelist_and_search_it(client, org, records, url_name):
    """An administrator needs neither is_staff nor is_superuser: the role is enough."""
    assert not org.administrator.is_staff
    client.force_login(org.administrator)
    term, shown = CHANGELISTS[url_name]
    response = client.get(reverse(url_name), {"q": term})
    assert response.status_code == 200
    assert shown in response.content.decode()


@pytest.mark.parametrize("persona", ["worker", "manager", "superuser", "auditor"])
def test_anyone_without_the_administrator_role_is_refused_even_a_superuser(client, org, persona):
    """AC-07: a superuser without the role gets no admin; nor does any other role (the safeguarding lead gets the
    rules table only: policies/tests/test_rules.py)."""
    user = getattr(org, persona)
    client.force_login(getattr(user, "user", user))
    for url in (reverse("admin:index"), reverse("admin:people_staffmember_changelist")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
        assert client.get(response["Location"]).status_code == 403
    assert client.get(reverse("admin:people_staffmember_import")).status_code == 302
    assert not StaffMember.objects.filter(staff_number="E1001").exists()


def test_an_anonymous_visitor_is_sent_to_the_sites_one_log_in_page(client, org):
    response = client.get(reverse("admin:people_staffmember_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    response = client.get(reverse("admin:login"), {"next": "/admin/people/"})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/admin/people/"


def test_removing_the_role_takes_the_admin_away_at_the_next_request(client, org):
    """AC-09: access follows the current state of the account."""
    client.force_login(org.administrator)
    assert client.get(reverse("admin:index")).status_code == 200
    org.administrator.groups.remove(Group.objects.get(name=Role.ADMINISTRATOR))
    assert client.get(reverse("admin:index")).status_code == 302


def test_staff_and_service_users_cannot_be_deleted_only_made_inactive(client, org, records):
    client.force_login(org.administrator)
    assert client.get(reverse("admin:people_staffmember_delete", args=[org.worker.pk])).status_code == 403
    assert client.get(reverse("admin:people_serviceuser_delete", args=[records.pk])).status_code == 403
    assert client.get(reverse("admin:auth_user_delete", args=[org.worker.user.pk])).status_code == 403
    assert StaffMember.objects.filter(pk=org.worker.pk).exists()


def _staff_form_data(staff, **changes):
    data = {
        "user": staff.user.pk,
        "staff_number": staff.staff_number,
        "employment_type": staff.employment_type,
        "job_title": staff.job_title,
        "team": staff.team.pk,
        "line_manager": staff.line_manager.pk if staff.line_manager else "",
        "registration_body": "",
        "registration_number": "",
        "start_date": staff.start_date.strftime("%d/%m/%Y"),
        "end_date": "",
        "is_active": "on",
    }
    data.update(changes)
    return data


def test_the_staff_form_refuses_a_loop_in_the_chain_with_a_message_and_keeps_the_input(client, org):
    client.force_login(org.administrator)
    url = reverse("admin:people_staffmember_change", args=[org.senior.pk])
    response = client.post(url, _staff_form_data(org.senior, line_manager=org.worker.pk, job_title="Head of care"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "would make a loop" in page
    assert 'value="Head of care"' in page
    org.senior.refresh_from_db()
    assert org.senior.line_manager is None and org.senior.job_title == "Service manager"


def test_making_a_worker_inactive_in_the_admin_switches_off_their_log_in(client, org):
    client.force_login(org.administrator)
    url = reverse("admin:people_staffmember_change", args=[org.worker.pk])
    data = _staff_form_data(org.worker, end_date="20/11/2026")
    del data["is_active"]
    response = client.post(url, data)
    assert response.status_code == 302
    org.worker.user.refresh_from_db()
    assert org.worker.user.is_active is False
    assert org.worker.history.first().history_user == org.administrator


def test_adding_an_assignment_that_conflicts_with_the_register_shows_why_in_the_page(client, org, records):
    """seed 000 §4.2: refused in the admin as in the service, with the reason on the form."""
    client.force_login(org.administrator)
    response = client.post(
        reverse("admin:people_assignment_add"),
        {"staff": org.worker.pk, "service_user": records.pk, "role": "key_worker", "start_date": "20/11/2026"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "declared a personal relationship" in page
    assert "Romantic" not in page
    assert not Assignment.objects.filter(staff=org.worker).exists()


def test_adding_a_key_worker_in_the_admin_hands_over_from_the_current_one(client, org, records):
    client.force_login(org.administrator)
    first = Assignment.objects.create(
        staff=org.manager, service_user=records, role="key_worker", start_date=datetime.date(2026, 1, 5)
    )
    response = client.post(
        reverse("admin:people_assignment_add"),
        {"staff": org.colleague.pk, "service_user": records.pk, "role": "key_worker", "start_date": "20/11/2026"},
    )
    assert response.status_code == 302, response.content.decode()
    first.refresh_from_db()
    assert first.end_date is not None
    assert Assignment.objects.get(service_user=records, role="key_worker", end_date__isnull=True).staff == org.colleague


def test_the_relationships_register_is_read_only_and_hides_its_case_content(client, org, records):
    """AC-07: who and whether it is open, never the kind or the arrangement."""
    client.force_login(org.administrator)
    relationship = Relationship.objects.get(service_user=records)
    page = client.get(reverse("admin:people_relationship_change", args=[relationship.pk])).content.decode()
    assert "SU-ADMIN" in page
    assert "CANARY-arrangement-7f3a" not in page
    assert "Romantic" not in page
    assert client.get(reverse("admin:people_relationship_add")).status_code == 403


def test_the_relationships_register_shows_only_what_the_key_worker_check_needs_and_is_audited(client, org, records):
    """AC-06, AC-07, AU-01: a relationship between colleagues (often the content of a restricted case) and a
    closed one are never in the admin, not even by id; each look at the list or an entry is audited."""
    colleagues = RelationshipFactory(
        staff=org.manager,
        counterpart=Relationship.Counterpart.COLLEAGUE,
        service_user=None,
        colleague=org.colleague,
        kind=Relationship.Kind.ROMANTIC,
    )
    ended = RelationshipFactory(staff=org.senior, service_user=records, status=Relationship.Status.ENDED)
    client.force_login(org.administrator)
    page = client.get(reverse("admin:people_relationship_changelist")).content.decode()
    assert "SU-ADMIN" in page
    assert escape(org.colleague.full_name) not in page and escape(org.senior.full_name) not in page
    for hidden in (colleagues, ended):
        response = client.get(reverse("admin:people_relationship_change", args=[hidden.pk]))
        assert response.status_code == 302  # "does not exist": the admin's answer for a row outside its queryset
    assert AuditEvent.objects.filter(action="people.relationships.viewed", actor=org.administrator).count() == 1
    visible = Relationship.objects.get(service_user=records, staff=org.worker)
    client.get(reverse("admin:people_relationship_change", args=[visible.pk]))
    event = AuditEvent.objects.get(action="people.relationship.viewed")
    assert (event.actor, event.object_id) == (org.administrator, str(visible.pk))


def test_a_role_page_lists_its_members(client, org):
    client.force_login(org.administrator)
    group = Group.objects.get(name=Role.SAFEGUARDING_LEAD)
    page = client.get(reverse("admin:auth_group_change", args=[group.pk])).content.decode()
    assert escape(org.safeguarding.user.get_full_name()) in page
    assert org.worker.user.get_full_name() not in page


# --- the import pages ------------------------------------------------------------------------------------


def test_the_staff_changelist_links_to_the_import_page(client, org):
    client.force_login(org.administrator)
    page = client.get(reverse("admin:people_staffmember_changelist")).content.decode()
    assert reverse("admin:people_staffmember_import") in page
    page = client.get(reverse("admin:people_serviceuser_changelist")).content.decode()
    assert reverse("admin:people_serviceuser_import") in page


def test_uploading_a_good_staff_file_imports_it_and_says_so(client, org):
    client.force_login(org.administrator)
    upload = SimpleUploadedFile("staff.csv", (FIXTURES / "staff.csv").read_bytes(), content_type="text/csv")
    response = client.post(reverse("admin:people_staffmember_import"), {"file": upload}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:people_staffmember_changelist")
    assert "Imported staff.csv: 4 rows read: 4 were created" in response.content.decode()
    assert StaffMember.objects.filter(staff_number__in=["E1001", "E1002", "E1003", "E1004"]).count() == 4
    assert AuditEvent.objects.get(action="people.staff.imported").actor == org.administrator


def test_uploading_a_bad_file_lists_each_problem_with_its_line_and_writes_nothing(client, org):
    client.force_login(org.administrator)
    text = (FIXTURES / "staff.csv").read_text().replace(",North,", ",Atlantis,").replace("03/02/2025", "30/02/2025")
    upload = SimpleUploadedFile("staff.csv", text.encode(), content_type="text/csv")
    response = client.post(reverse("admin:people_staffmember_import"), {"file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert "The file was not imported and nothing was changed." in page
    assert "<td>2</td><td>start_date “30/02/2025” is not a real date.</td>" in page
    assert "<td>4</td><td>team “Atlantis” does not exist." in page
    assert not StaffMember.objects.filter(staff_number__startswith="E10").exists()


def test_the_create_teams_box_on_the_upload_page_creates_missing_teams(client, org):
    client.force_login(org.administrator)
    text = (FIXTURES / "staff.csv").read_text().replace(",North,", ",Atlantis,")
    upload = SimpleUploadedFile("staff.csv", text.encode(), content_type="text/csv")
    response = client.post(reverse("admin:people_staffmember_import"), {"file": upload, "create_teams": "on"})
    assert response.status_code == 302
    assert StaffMember.objects.get(staff_number="E1001").team.name == "Atlantis"


def test_uploading_service_users_assigns_key_workers_through_the_same_service(client, org):
    client.force_login(org.administrator)
    for name, url_name in (("staff.csv", "staffmember"), ("service_users.csv", "serviceuser")):
        upload = SimpleUploadedFile(name, (FIXTURES / name).read_bytes(), content_type="text/csv")
        response = client.post(reverse(f"admin:people_{url_name}_import"), {"file": upload})
        assert response.status_code == 302
    assert ServiceUser.objects.filter(reference__startswith="CR-").count() == 3
    assert Assignment.objects.get(service_user__reference="CR-1001").staff.staff_number == "E1003"


def test_the_upload_page_asks_for_a_file(client, org):
    client.force_login(org.administrator)
    assert client.get(reverse("admin:people_serviceuser_import")).status_code == 200
    response = client.post(reverse("admin:people_serviceuser_import"), {})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


def test_a_team_with_staff_is_not_deleted_and_the_admin_says_what_stops_it(client, org):
    client.force_login(org.administrator)
    url = reverse("admin:people_team_delete", args=[org.north_a.pk])
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Cannot delete team" in page
    assert "<li>staff member</li>" in page  # what stops it
    assert type(org.north_a).objects.filter(pk=org.north_a.pk).exists()
