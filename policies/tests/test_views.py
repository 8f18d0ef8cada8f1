"""The pages, as a user would notice them: access (AC-02, AC-03), acknowledgement, import, diff,
compliance, reviews and the category guidance fragment used by the disclosure form."""

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils.html import escape

from policies.models import Acknowledgement, BoundaryCategory, Policy, PolicyVersion
from policies.services import category_policy_sections_set, policy_acknowledge, policy_version_import
from policies.tests.factories import GIFTS_V2, import_and_publish

FIXTURES = Path(__file__).parent / "fixtures"
pytestmark = pytest.mark.django_db


@pytest.fixture
def published(org):
    return import_and_publish(actor=org.administrator)


def test_workers_see_active_policies_and_what_waits_for_them(client, org, published):
    client.force_login(org.worker.user)
    response = client.get(reverse("policies:list"))
    assert response.status_code == 200
    assert "Waiting for you to read and acknowledge" in response.text
    assert "Gifts and contact" in response.text
    assert "Import a policy" not in response.text


def test_the_policy_page_shows_contents_text_and_history(client, org, published):
    client.force_login(org.worker.user)
    response = client.get(reverse("policies:detail", args=[published.policy_id]))
    assert response.status_code == 200
    assert 'href="#s-1-1"' in response.text
    assert "Staff should not give or accept gifts from service users." in response.text
    assert "Version history" in response.text
    assert "I have read and understood this policy" in response.text


def test_a_worker_acknowledges_and_sees_it_confirmed(client, org, published):
    client.force_login(org.worker.user)
    url = reverse("policies:acknowledge", args=[published.pk])
    response = client.post(url, {"confirm": "on"}, follow=True)
    assert "You have confirmed that you have read Gifts and contact" in response.text
    assert "You confirmed that you have read and understood this version on" in response.text
    assert Acknowledgement.objects.filter(user=org.worker.user, version=published).exists()


def test_acknowledging_without_ticking_the_box_explains_what_to_do(client, org, published):
    client.force_login(org.worker.user)
    response = client.post(reverse("policies:acknowledge", args=[published.pk]), {})
    assert response.status_code == 400
    assert "Tick the box to confirm" in response.text
    assert not Acknowledgement.objects.exists()


def test_acknowledging_an_old_version_sends_the_worker_to_the_new_one(client, org, published):
    import_and_publish(title=published.policy.title, source=GIFTS_V2, label="2.0", actor=org.administrator)
    client.force_login(org.worker.user)
    response = client.post(reverse("policies:acknowledge", args=[published.pk]), {"confirm": "on"}, follow=True)
    assert "A newer version of this policy has been published" in response.text
    assert not Acknowledgement.objects.exists()


@pytest.mark.parametrize("persona", ["worker", "manager", "safeguarding", "committee", "auditor"])
def test_only_administrators_publish_or_import(client, org, persona):
    """AC-02: drafts are invisible (404) and import is refused (403) to everyone but administrators."""
    draft = policy_version_import(title="Draft", source=GIFTS_V2).version
    user = getattr(org, persona)
    client.force_login(getattr(user, "user", user))
    assert client.get(reverse("policies:version", args=[draft.pk])).status_code == 404
    assert client.post(reverse("policies:publish", args=[draft.pk])).status_code == 404
    assert client.get(reverse("policies:import")).status_code == 403
    assert client.get(reverse("policies:review_due")).status_code == 403
    draft.refresh_from_db()
    assert draft.status == PolicyVersion.Status.DRAFT


def test_a_worker_may_read_but_not_publish_an_active_version(client, org, published):
    client.force_login(org.worker.user)
    assert client.post(reverse("policies:publish", args=[published.pk])).status_code == 403


def test_a_superuser_without_the_role_cannot_publish(client, org):
    """AC-07: superuser status grants nothing."""
    draft = policy_version_import(title="Draft", source=GIFTS_V2).version
    client.force_login(org.superuser)
    assert client.post(reverse("policies:publish", args=[draft.pk])).status_code == 404
    assert client.get(reverse("policies:import")).status_code == 403


def test_an_administrator_imports_a_file_and_publishes_it(client, org):
    client.force_login(org.administrator)
    with open(FIXTURES / "numbered_headings.txt", "rb") as upload:
        response = client.post(reverse("policies:import"), {"title": "Boundaries", "file": upload}, follow=True)
    version = PolicyVersion.objects.get(policy__title="Boundaries")
    assert "Imported version 1.0 of Boundaries as a draft with 6 sections" in response.text
    assert "This draft is visible to administrators only" in response.text
    response = client.post(reverse("policies:publish", args=[version.pk]), follow=True)
    assert "is now the current version" in response.text
    version.refresh_from_db()
    assert version.status == PolicyVersion.Status.ACTIVE


def test_a_file_the_import_cannot_read_is_explained_and_the_typed_title_kept(client, org):
    client.force_login(org.administrator)
    with open(FIXTURES / "no_structure.txt", "rb") as upload:
        response = client.post(reverse("policies:import"), {"title": "My policy", "file": upload, "label": "3.2"})
    assert response.status_code == 400
    assert "No sections found" in response.text
    assert 'value="My policy"' in response.text and 'value="3.2"' in response.text
    assert not Policy.objects.exists()


def test_the_difference_between_versions_is_readable_and_escaped(client, org, published):
    source = GIFTS_V2.replace("cash", "<script>alert(1)</script>")
    import_and_publish(title=published.policy.title, source=source, label="2.0", actor=org.administrator)
    client.force_login(org.worker.user)
    response = client.get(reverse("policies:compare", args=[published.policy_id]))
    assert response.status_code == 200
    text = response.text
    assert "3 sections added, removed or changed" in text or "sections added, removed or changed" in text
    assert '<del class="policy-removed">should</del>' in text
    assert "&lt;script&gt;" in text and "<script>alert" not in text  # IN-02
    assert "Removed" in text and "New section" in text


def test_comparing_a_policy_with_one_version_says_so(client, org, published):
    client.force_login(org.worker.user)
    response = client.get(reverse("policies:compare", args=[published.policy_id]), follow=True)
    assert "only one version" in response.text


def test_managers_see_who_has_not_acknowledged_in_their_teams(client, org, published):
    policy_acknowledge(version=published, user=org.worker.user)
    client.force_login(org.manager.user)
    response = client.get(reverse("policies:compliance"))
    assert response.status_code == 200
    assert "North A" in response.text
    assert escape(org.colleague.full_name) in response.text
    assert org.worker.full_name not in response.text
    assert "South" not in response.text


@pytest.mark.parametrize("persona", ["worker", "committee", "auditor", "safeguarding"])
def test_people_who_manage_nobody_cannot_see_compliance(client, org, persona):
    user = getattr(org, persona)
    client.force_login(getattr(user, "user", user))
    assert client.get(reverse("policies:compliance")).status_code == 403


def test_administrators_see_reviews_due(client, org):
    import datetime

    import_and_publish(title="Old policy", actor=org.administrator, next_review_date=datetime.date(2020, 1, 1))
    client.force_login(org.administrator)
    response = client.get(reverse("policies:review_due"))
    assert "Old policy" in response.text and "Overdue" in response.text


def test_choosing_a_category_shows_what_the_policy_says(client, org, published):
    """The fragment the disclosure form loads: linked sections, briefly, with a link to the full section."""
    gifts = BoundaryCategory.objects.get(code="gifts-money")
    category_policy_sections_set(
        category=gifts, sections=[published.sections.get(number="1.1")], actor=org.administrator
    )
    client.force_login(org.worker.user)
    response = client.get(reverse("policies:category_guidance", args=[gifts.pk]))
    assert response.status_code == 200
    assert "<html" not in response.text  # a fragment, no layout
    assert "What the policy says" in response.text
    assert "Staff should not give or accept gifts from service users." in response.text
    assert f'href="{reverse("policies:detail", args=[published.policy_id])}#s-1-1"' in response.text


def test_a_category_without_links_says_so(client, org, published):
    client.force_login(org.worker.user)
    response = client.get(reverse("policies:category_guidance", args=[BoundaryCategory.objects.first().pk]))
    assert "No policy section is linked to this category yet" in response.text


def test_guidance_for_an_unknown_category_is_not_found(client, org):
    client.force_login(org.worker.user)
    assert client.get(reverse("policies:category_guidance", args=[999999])).status_code == 404


def test_the_menu_shows_policy_entries_by_role(client, org):
    client.force_login(org.worker.user)
    text = client.get(reverse("policies:list")).text
    assert reverse("policies:list") in text and reverse("policies:compliance") not in text
    client.force_login(org.manager.user)
    assert reverse("policies:compliance") in client.get(reverse("policies:list")).text
    client.force_login(org.administrator)
    assert reverse("policies:review_due") in client.get(reverse("policies:list")).text


def test_the_admin_shows_a_published_version_read_only(client, org, published):
    """The lead's rule: an active version's text is not editable in the admin either."""
    client.force_login(org.administrator)
    url = reverse("admin:policies_policyversion_change", args=[published.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert 'name="body"' not in response.text and 'name="label"' not in response.text
    assert 'name="next_review_date"' in response.text
    section = published.sections.get(number="1.1")
    assert 'name="sections-0-text"' not in response.text
    assert section.text in response.text


def test_administrators_link_a_category_to_sections_in_the_admin(client, org, published):
    client.force_login(org.administrator)
    gifts = BoundaryCategory.objects.get(code="gifts-money")
    url = reverse("admin:policies_boundarycategory_change", args=[gifts.pk])
    assert client.get(url).status_code == 200
    section = published.sections.get(number="1.1")
    data = {
        "name": gifts.name,
        "description": gifts.description,
        "policy_refs": gifts.policy_refs,
        "disclosure_kinds": '["self_declaration", "incident", "concern", "variation"]',
        "order": gifts.order,
        "is_active": "on",
        "policy_sections": [section.pk],
        # How cases in the category behave (data on the category): unchanged here.
        "questions": gifts.questions,
        "worker_part": gifts.worker_part,
        "service_user_part": gifts.service_user_part,
        "relative_part": gifts.relative_part,
        "colleague_part": gifts.colleague_part,
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    assert list(gifts.policy_sections.all()) == [section]
