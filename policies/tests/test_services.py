"""Versioning, immutability, import, acknowledgement and category links, through the services."""

from pathlib import Path

import pytest
from django.db import IntegrityError, InternalError, ProgrammingError, connection, transaction

from audit.models import AuditEvent
from policies.models import Acknowledgement, BoundaryCategory, Policy, PolicyVersion
from policies.services import (
    PolicyError,
    PolicyParseError,
    PolicyVersionLocked,
    category_policy_sections_set,
    policy_acknowledge,
    policy_section_update,
    policy_version_import,
    policy_version_publish,
    policy_version_update,
)
from policies.tests.factories import GIFTS_V1, GIFTS_V2, import_and_publish

FIXTURES = Path(__file__).parent / "fixtures"
pytestmark = pytest.mark.django_db


def test_import_creates_a_draft_split_into_sections_and_audits_it(org):
    result = policy_version_import(title="Gifts and contact", source=GIFTS_V1, actor=org.administrator)
    version = result.version
    assert version.status == PolicyVersion.Status.DRAFT
    assert version.label == "1.0"
    assert [s.number for s in version.sections.all()] == ["1", "1.1", "1.2", "2", "2.1"]
    assert version.body == GIFTS_V1
    event = AuditEvent.objects.get(action="policies.version.imported")
    assert event.actor == org.administrator and event.object_id == str(version.pk)


def test_import_uses_the_documents_own_version_and_dates(org):
    source = (FIXTURES / "markdown_headings.md").read_bytes()
    version = policy_version_import(title="Happy", source=source, actor=org.administrator).version
    assert (version.label, version.approved_by) == ("1.1", "Board")
    assert version.next_review_date.isoformat() == "2026-07-01"


def test_a_file_that_cannot_be_split_creates_nothing(org):
    with pytest.raises(PolicyParseError):
        policy_version_import(
            title="Nothing", source=(FIXTURES / "no_structure.txt").read_bytes(), actor=org.administrator
        )
    assert not Policy.objects.exists()
    assert not AuditEvent.objects.filter(action="policies.version.imported").exists()


def test_a_version_number_cannot_be_used_twice_for_one_policy(org):
    policy_version_import(title="Gifts", source=GIFTS_V1, label="1.0", actor=org.administrator)
    with pytest.raises(PolicyError, match="already has a version 1.0"):
        policy_version_import(title="gifts", source=GIFTS_V2, label="1.0", actor=org.administrator)
    assert PolicyVersion.objects.count() == 1


def test_publishing_makes_the_draft_active_and_supersedes_the_previous_version(org):
    first = import_and_publish(actor=org.administrator)
    second = policy_version_import(title=first.policy.title, source=GIFTS_V2, label="2.0", actor=org.administrator)
    policy_version_publish(version=second.version, actor=org.administrator)
    first.refresh_from_db()
    second.version.refresh_from_db()
    assert first.status == PolicyVersion.Status.SUPERSEDED and first.superseded_at is not None
    assert second.version.status == PolicyVersion.Status.ACTIVE
    assert second.version.published_by == org.administrator
    assert PolicyVersion.objects.filter(status="active").count() == 1
    assert AuditEvent.objects.filter(action="policies.version.published").count() == 2


def test_publishing_twice_is_harmless_and_a_superseded_version_cannot_come_back(org):
    first = import_and_publish(actor=org.administrator)
    policy_version_publish(version=first, actor=org.administrator)  # double click
    assert AuditEvent.objects.filter(action="policies.version.published").count() == 1
    second = import_and_publish(title=first.policy.title, source=GIFTS_V2, label="2.0", actor=org.administrator)
    first.refresh_from_db()
    with pytest.raises(PolicyError, match="Only a draft"):
        policy_version_publish(version=first, actor=org.administrator)
    assert second.status == PolicyVersion.Status.ACTIVE


def test_the_database_allows_one_active_version_per_policy(org):
    first = import_and_publish(actor=org.administrator)
    draft = policy_version_import(title=first.policy.title, source=GIFTS_V2, label="2.0").version
    draft.status = PolicyVersion.Status.ACTIVE
    draft.published_at = first.published_at
    with pytest.raises(IntegrityError), transaction.atomic():
        draft.save()


def test_the_text_of_an_active_version_cannot_be_edited_through_the_services(org):
    version = import_and_publish(actor=org.administrator)
    section = version.sections.get(number="1.1")
    with pytest.raises(PolicyVersionLocked):
        policy_section_update(section=section, actor=org.administrator, heading="", text="Gifts are fine.")
    with pytest.raises(PolicyVersionLocked):
        policy_version_update(version=version, actor=org.administrator, body="Anything goes.")
    section.refresh_from_db()
    assert section.text == "Staff should not give or accept gifts from service users."


def test_the_next_review_date_of_an_active_version_may_move(org):
    version = import_and_publish(actor=org.administrator)
    policy_version_update(version=version, actor=org.administrator, next_review_date="2027-01-31")
    version.refresh_from_db()
    assert version.next_review_date.isoformat() == "2027-01-31"


def test_a_draft_section_can_be_corrected(org):
    draft = policy_version_import(title="Gifts", source=GIFTS_V1, actor=org.administrator).version
    section = draft.sections.get(number="1.1")
    policy_section_update(section=section, actor=org.administrator, heading="", text="Corrected.")
    section.refresh_from_db()
    assert section.text == "Corrected."


@pytest.mark.usefixtures("needs_postgres")
def test_the_database_refuses_edits_to_published_text_whoever_asks(org):
    """Migration 0004's triggers: even a raw UPDATE is refused."""
    version = import_and_publish(actor=org.administrator)
    section = version.sections.first()
    for sql, params in [
        ("UPDATE policies_policysection SET text = %s WHERE id = %s", ["changed", section.pk]),
        ("UPDATE policies_policyversion SET body = %s WHERE id = %s", ["changed", version.pk]),
        ("DELETE FROM policies_policysection WHERE id = %s", [section.pk]),
        ("UPDATE policies_policyversion SET status = 'draft' WHERE id = %s", [version.pk]),
    ]:
        with pytest.raises((InternalError, ProgrammingError)), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    section.refresh_from_db()
    assert section.text != "changed"


def test_acknowledging_records_one_row_and_an_audit_event(org):
    version = import_and_publish(actor=org.administrator)
    policy_acknowledge(version=version, user=org.worker.user)
    policy_acknowledge(version=version, user=org.worker.user)  # twice is harmless
    assert Acknowledgement.objects.filter(version=version, user=org.worker.user).count() == 1
    assert AuditEvent.objects.filter(action="policies.version.acknowledged", actor=org.worker.user).count() == 1


def test_a_superseded_version_cannot_be_acknowledged(org):
    first = import_and_publish(actor=org.administrator)
    import_and_publish(title=first.policy.title, source=GIFTS_V2, label="2.0", actor=org.administrator)
    first.refresh_from_db()
    with pytest.raises(PolicyError, match="no longer the current one"):
        policy_acknowledge(version=first, user=org.worker.user)


def test_publishing_carries_category_links_to_sections_with_the_same_number(org):
    first = import_and_publish(actor=org.administrator)
    gifts = BoundaryCategory.objects.get(code="gifts-money")
    contact = BoundaryCategory.objects.get(code="contact-outside-work")
    category_policy_sections_set(category=gifts, sections=[first.sections.get(number="1.1")], actor=org.administrator)
    category_policy_sections_set(category=contact, sections=[first.sections.get(number="2.1")], actor=org.administrator)
    second = policy_version_import(title=first.policy.title, source=GIFTS_V2, label="2.0").version
    result = policy_version_publish(version=second, actor=org.administrator)
    assert result.links_carried == 1
    assert result.links_dropped == ["Contact outside work: 2.1"]
    assert list(gifts.policy_sections.filter(version=second).values_list("number", flat=True)) == ["1.1"]
    assert AuditEvent.objects.filter(action="policies.category.sections_linked").count() == 2
