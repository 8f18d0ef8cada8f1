"""The key-worker refusal reads the same on the case page as in the admin: one function
(people.services.assignment_refusal) says which relationship was declared and what the policy says, and both
pages link the organisation's own clause from the policy library (policies.templatetags policy_clauses)."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from cases.tests.factories import gift_case
from people.models import Assignment
from people.services import assignment_refusal
from people.tests.factories import RelationshipFactory, ServiceUserFactory
from policies.models import BoundaryCategory
from policies.services import category_policy_sections_set
from policies.tests.factories import import_and_publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def clause(org):
    """The organisation links its clause 2.1 to the relationship categories (as the category admin does)."""
    version = import_and_publish(actor=org.administrator)
    section = version.sections.get(number="2.1")
    for category in BoundaryCategory.objects.filter(is_relationship=True):
        category_policy_sections_set(category=category, sections=[section], actor=org.administrator)
    return section


def test_the_case_page_and_the_admin_give_the_same_reason_and_link_the_policy_clause(client, org, clause):
    service_user = ServiceUserFactory(team=org.north_a, initials="JB")
    case = gift_case(org, service_users=[service_user])
    RelationshipFactory(staff=org.colleague, service_user=service_user)
    reason = assignment_refusal(staff=org.colleague, service_user=service_user, role=Assignment.Role.KEY_WORKER)
    assert "declared a personal relationship with this service user on " in reason
    assert "is a subject of this case" not in reason
    clause_href = f'href="{reverse("policies:detail", args=[clause.version.policy_id])}#{clause.anchor}"'

    client.force_login(org.manager.user)
    case_page = client.post(
        reverse("cases:key_worker", args=[case.pk]),
        {"version": case.version, "service_user": service_user.pk, "new_key_worker": org.colleague.pk},
    ).content.decode()
    assert escape(reason) in case_page
    assert clause_href in case_page

    client.force_login(org.administrator)
    admin_page = client.post(
        reverse("admin:people_assignment_add"),
        {"staff": org.colleague.pk, "service_user": service_user.pk, "role": "key_worker", "start_date": "20/11/2026"},
    ).content.decode()
    assert escape(reason) in admin_page
    assert clause_href in admin_page
    assert "Romantic" not in reason  # the kind stays in the register (AC-07)
