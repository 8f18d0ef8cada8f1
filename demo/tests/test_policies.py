"""seed_demo's policies step: the demo organisation's own policies, imported, published, linked to every
category and acknowledged by most staff through the same services as the import page (demo/policies.py).

The steps up to this one are run once for the module (demo/tests/conftest.py); each test runs in a savepoint."""

import datetime
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.html import escape

from audit.models import AuditEvent
from demo.context import ANCHOR_DATE, DemoContext
from demo.disclosures import seed_disclosures
from demo.management.commands.seed_demo import DEMO_STEPS
from demo.people import seed_assignments
from demo.policies import BOUNDARIES, RULE_SECTIONS, SOCIAL_MEDIA, seed_policies
from people.models import StaffMember
from policies.models import Acknowledgement, BoundaryCategory, Policy, PolicySection, PolicyVersion, Rule
from policies.parsing import parse_policy
from policies.selectors import (
    category_guidance_sections,
    policy_versions_awaiting_acknowledgement,
    policy_versions_review_due,
)

DOCUMENTS = Path(__file__).resolve().parents[1] / "policy_documents"
pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture(scope="module")
def seeded(module_transaction, django_db_blocker):
    """The demo organisation up to and including this step (people, then policies)."""
    ctx = DemoContext()
    with django_db_blocker.unblock():
        for step in DEMO_STEPS[: DEMO_STEPS.index(seed_policies) + 1]:
            step(ctx)
    return ctx


def version(title: str) -> PolicyVersion:
    return PolicyVersion.objects.get(policy__title=title)


def test_the_step_runs_after_the_people_and_before_anything_is_disclosed():
    step = DEMO_STEPS.index(seed_policies)
    assert DEMO_STEPS[step - 1] is seed_assignments
    assert DEMO_STEPS[step + 1] is seed_disclosures


@pytest.mark.parametrize("filename", ["professional-boundaries-policy.md", "social-media-guidance.md"])
def test_the_shipped_documents_split_cleanly(filename):
    """The import page would report nothing odd about them: no gaps in the numbering, no left-overs."""
    parsed = parse_policy((DOCUMENTS / filename).read_bytes())
    assert parsed.warnings == []
    assert parsed.approved_by == "The Board"


def test_the_boundaries_policy_is_imported_into_its_numbered_sections(seeded):
    boundaries = version(BOUNDARIES)
    assert boundaries.status == PolicyVersion.Status.ACTIVE and boundaries.label == "2.0"
    assert (boundaries.approved_by, boundaries.approved_date) == ("The Board", datetime.date(2026, 9, 16))
    assert boundaries.next_review_date == datetime.date(2028, 9, 1)
    assert boundaries.body == (DOCUMENTS / "professional-boundaries-policy.md").read_text()  # kept verbatim
    assert boundaries.sections.count() == 148
    headings = dict(boundaries.sections.exclude(heading="").values_list("number", "heading"))
    assert headings["5.1"] == "Gifts and hospitality"
    assert headings["4.4"] == "Befriending, not friendship"
    assert headings["7.2"] == "Sexual boundaries"
    assert headings["11"] == "How to disclose"
    assert headings["12"] == "What happens next"
    assert headings["14"] == "Acknowledgement"
    assert "" not in headings  # the sources are in docs/demo-policy-sources.md, not on the page
    no_blame = boundaries.sections.get(number="12.7")
    assert no_blame.text.startswith("Self-declaration is no-blame.") and no_blame.anchor == "s-12-7"
    bullets = boundaries.sections.get(number="6.4.2").text.split("\n\n")
    assert bullets[0] == "Never keep from colleagues:" and len(bullets) == 6
    assert all(b.startswith("- ") for b in bullets[1:])


def test_the_social_media_guidance_is_imported_and_both_are_active(seeded):
    guidance = version(SOCIAL_MEDIA)
    assert guidance.label == "1.0" and guidance.sections.count() == 36
    assert guidance.sections.get(number="3").heading == "Contact with service users and their families"
    assert set(PolicyVersion.objects.values_list("status", flat=True)) == {PolicyVersion.Status.ACTIVE}
    admin = User.objects.get(username="admin")
    for v in PolicyVersion.objects.all():
        assert v.imported_by == admin and v.published_by == admin
        # Published a few days after the Board approved it, as the import and publish services record it.
        assert v.approved_date < v.published_at.date() <= v.approved_date + datetime.timedelta(days=10)
        assert AuditEvent.objects.filter(action="policies.version.published", object_id=str(v.pk)).exists()


def test_every_active_category_is_linked_to_sections_that_say_something(seeded):
    for category in BoundaryCategory.objects.filter(is_active=True):
        sections = list(category_guidance_sections(category=category))
        assert sections, category.code
        assert all(section.text for section in sections), category.code
    social = BoundaryCategory.objects.get(code="social-media")
    assert {s.version.policy.title for s in category_guidance_sections(category=social)} == {BOUNDARIES, SOCIAL_MEDIA}
    assert AuditEvent.objects.filter(action="policies.category.sections_linked").count() == (
        BoundaryCategory.objects.count() + 3  # social media, sexualised behaviour and former service users twice
    )


def test_every_rule_is_linked_to_the_riverside_clauses_behind_it(client, seeded):
    """The rules page cites the demo organisation's own clauses, never the source policies' references."""
    rules = list(Rule.objects.filter(is_active=True))
    assert set(RULE_SECTIONS) == {rule.name for rule in rules}
    client.force_login(User.objects.get(username="worker"))
    page = client.get(reverse("policies:rules")).text
    policy = Policy.objects.get(title=BOUNDARIES)
    assert f'href="{reverse("policies:detail", args=[policy.pk])}#s-7-3-3"' in page
    assert page.count(f"{escape(BOUNDARIES)}, ") >= len(rules)
    assert "seed 0" not in page


def test_the_disclosure_form_shows_what_the_policy_says_about_the_category(client, seeded):
    gifts = BoundaryCategory.objects.get(code="gifts-money")
    client.force_login(User.objects.get(username="worker"))
    response = client.get(reverse("policies:category_guidance", args=[gifts.pk]))
    assert response.status_code == 200
    assert "What the policy says" in response.text
    assert "No policy section is linked" not in response.text
    assert "5.1.1:" in response.text and "Do not accept personal gifts, cash, favours or hospitality" in response.text
    policy = Policy.objects.get(title=BOUNDARIES)
    assert f'href="{reverse("policies:detail", args=[policy.pk])}#s-5-1-1"' in response.text


def test_the_demo_worker_has_the_new_boundaries_policy_waiting(client, seeded):
    worker = User.objects.get(username="worker")
    assert [v.policy.title for v in policy_versions_awaiting_acknowledgement(user=worker)] == [BOUNDARIES]
    client.force_login(worker)
    response = client.get(reverse("policies:list"))
    assert "Waiting for you to read and acknowledge" in response.text


def test_most_staff_have_acknowledged_and_the_manager_sees_the_gaps_in_their_team(client, seeded):
    staff = StaffMember.objects.filter(is_active=True).count()
    boundaries, guidance = version(BOUNDARIES), version(SOCIAL_MEDIA)
    assert boundaries.acknowledgements.count() == staff - 8
    assert guidance.acknowledgements.count() == staff - 2
    for username in ("manager", "senior", "safeguarding", "hr", "guardian"):
        assert not policy_versions_awaiting_acknowledgement(user=User.objects.get(username=username))
    client.force_login(User.objects.get(username="manager"))
    response = client.get(reverse("policies:compliance"))
    assert response.status_code == 200
    assert "Amira" in response.text and "Khan" in response.text  # the demo worker is outstanding


def test_acknowledgements_are_dated_between_publication_or_joining_and_the_anchor_date(seeded):
    for ack in Acknowledgement.objects.select_related("version", "user__staff"):
        day = ack.acknowledged_at.date()
        assert ack.version.published_at.date() < day < ANCHOR_DATE
        assert ack.user.staff.start_date < day
        event = AuditEvent.objects.get(
            action="policies.version.acknowledged", actor=ack.user, object_id=str(ack.version_id)
        )
        assert event.occurred_at == ack.acknowledged_at


def test_the_social_media_guidance_is_due_for_review_within_a_month_of_the_anchor_date(seeded):
    assert [v.policy.title for v in policy_versions_review_due(today=ANCHOR_DATE)] == [SOCIAL_MEDIA]


def test_running_the_step_again_adds_nothing(seeded):
    links = BoundaryCategory.policy_sections.through.objects
    tracked = [Policy.objects, PolicyVersion.objects, PolicySection.objects, Acknowledgement.objects, links]
    history = [Policy.history, PolicyVersion.history, Acknowledgement.history, BoundaryCategory.history]
    before = [m.count() for m in tracked + history] + [AuditEvent.objects.count()]
    assert seed_policies(seeded).endswith("(0 new)")
    assert [m.count() for m in tracked + history] + [AuditEvent.objects.count()] == before
