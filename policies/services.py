"""Every write in the policy library: import, publish, acknowledge, link.

Each runs in a transaction, takes the acting user and writes an audit event (audit.services).
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from policies.models import (
    Acknowledgement,
    BoundaryCategory,
    Policy,
    PolicySection,
    PolicyVersion,
    Rule,
)
from policies.parsing import PolicyParseError, parse_policy

logger = logging.getLogger(__name__)

__all__ = ["PolicyError", "PolicyParseError", "PolicyVersionLocked"]

MAX_LABEL_LENGTH = PolicyVersion._meta.get_field("label").max_length


class PolicyError(Exception):
    """A policy action that cannot be done; the message is meant for the person who tried."""


class PolicyVersionLocked(PolicyError):
    """The version is published: its text is never edited; a change is a new version."""


@dataclass
class ImportResult:
    version: PolicyVersion
    warnings: list[str] = field(default_factory=list)


@dataclass
class PublishResult:
    version: PolicyVersion
    links_carried: int = 0
    links_dropped: list[str] = field(default_factory=list)


@transaction.atomic
def policy_version_import(
    *,
    title: str,
    source: bytes | str,
    actor=None,
    label: str = "",
    approved_by: str = "",
    approved_date: datetime.date | None = None,
    next_review_date: datetime.date | None = None,
    source_name: str = "",
) -> ImportResult:
    """Create a draft version of the policy called `title` from a document, split into sections.

    Raises PolicyParseError or PolicyError, having written nothing. Values given here win over
    the document's own "Version:", "Date approved" and "Next review" lines."""
    title = " ".join(title.split())
    if not title:
        raise PolicyError("Give the policy a title.")
    parsed = parse_policy(source)  # raises before anything is written
    text = source if isinstance(source, str) else source.decode("utf-8-sig", errors="replace")
    policy = Policy.objects.select_for_update().filter(title__iexact=title).first()
    if policy is None:
        policy = Policy.objects.create(title=title)
    label = (label or parsed.version_label or _next_label(policy)).strip()
    if len(label) > MAX_LABEL_LENGTH:
        raise PolicyError(f"The version number can be {MAX_LABEL_LENGTH} characters at most.")
    if policy.versions.filter(label=label).exists():
        raise PolicyError(f"{policy.title} already has a version {label}. Give the new version another number.")
    version = PolicyVersion.objects.create(
        policy=policy,
        label=label,
        body=text,
        source_name=source_name[:200],
        approved_by=approved_by or parsed.approved_by,
        approved_date=approved_date or parsed.approved_date,
        next_review_date=next_review_date or parsed.next_review_date,
        imported_by=actor if actor is not None and actor.is_authenticated else None,
    )
    for order, section in enumerate(parsed.sections):
        PolicySection.objects.create(
            version=version,
            number=section.number,
            heading=section.heading[:300],
            text=section.text,
            order=order,
            anchor=section.anchor,
        )
    audit_record(
        action="policies.version.imported",
        actor=actor,
        obj=version,
        detail={"sections": len(parsed.sections), "warnings": len(parsed.warnings)},
    )
    return ImportResult(version=version, warnings=parsed.warnings)


def _next_label(policy: Policy) -> str:
    count = policy.versions.count()
    return f"{count + 1}.0"


@transaction.atomic
def policy_version_publish(*, version: PolicyVersion, actor) -> PublishResult:
    """Make a draft the active version, superseding the previous one, and carry the category links
    over to the new version's sections by number (or heading). A second publish is harmless."""
    policy = Policy.objects.select_for_update().get(pk=version.policy_id)  # one publish per policy at a time
    version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    if version.status == PolicyVersion.Status.ACTIVE:
        return PublishResult(version=version)
    if version.status != PolicyVersion.Status.DRAFT:
        raise PolicyError("Only a draft can be published. To bring back an old text, import it as a new version.")
    if not version.sections.exists():
        raise PolicyError("This version has no sections to publish.")
    now = timezone.now()
    previous = policy.versions.select_for_update().filter(status=PolicyVersion.Status.ACTIVE).first()
    result = PublishResult(version=version)
    if previous is not None:
        previous.status = PolicyVersion.Status.SUPERSEDED
        previous.superseded_at = now
        previous._change_reason = "policies.version.superseded"
        previous.save(update_fields=["status", "superseded_at"])
        result.links_carried, result.links_dropped = _carry_category_links(previous=previous, new=version)
    version.status = PolicyVersion.Status.ACTIVE
    version.published_at = now
    version.published_by = actor
    version._change_reason = "policies.version.published"
    version.save(update_fields=["status", "published_at", "published_by"])
    audit_record(
        action="policies.version.published",
        actor=actor,
        obj=version,
        detail={
            "superseded_version_id": previous.pk if previous else None,
            "links_carried": result.links_carried,
            "links_dropped": len(result.links_dropped),
        },
    )
    return result


def _carry_category_links(*, previous: PolicyVersion, new: PolicyVersion) -> tuple[int, list[str]]:
    """Link each category and each rule to the new version's section with the same anchor as its old one.
    Old links stay (they are history); selectors only ever show active versions' sections."""
    new_by_anchor = {s.anchor: s for s in new.sections.all()}
    carried, dropped = 0, []
    for model, owner in ((BoundaryCategory, "boundarycategory"), (Rule, "rule")):
        links = model.policy_sections.through.objects.filter(policysection__version=previous).select_related(
            owner, "policysection"
        )
        for link in links:
            linked = getattr(link, owner)
            target = new_by_anchor.get(link.policysection.anchor)
            if target is None:
                dropped.append(f"{linked.name}: {link.policysection.title}")
                continue
            linked.policy_sections.add(target)
            carried += 1
    return carried, dropped


def policy_section_update(*, section: PolicySection, actor, heading: str, text: str) -> PolicySection:
    """Correct a section of a draft (an import that split a clause badly). Published text is refused."""
    with transaction.atomic():
        version = PolicyVersion.objects.select_for_update().get(pk=section.version_id)
        if not version.is_draft:
            raise PolicyVersionLocked(
                "This version is published, so its text cannot be changed. Import the corrected text as a new version."
            )
        section.heading, section.text = heading, text
        section.save(update_fields=["heading", "text"])
        audit_record(action="policies.section.updated", actor=actor, obj=section)
    return section


def policy_version_update(*, version: PolicyVersion, actor, **fields) -> PolicyVersion:
    """Change a version's details. Drafts: anything but the status. Published versions: only the
    next review date (a review that changes nothing); their text is never edited."""
    allowed_on_published = {"next_review_date"}
    editable = {"label", "body", "approved_by", "approved_date", "next_review_date"}
    unknown = set(fields) - editable
    if unknown:
        raise PolicyError(f"These cannot be changed here: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
        if not version.is_draft and set(fields) - allowed_on_published:
            raise PolicyVersionLocked(
                "This version is published, so its text cannot be changed. Import the corrected text as a new version."
            )
        for name, value in fields.items():
            setattr(version, name, value)
        version.save(update_fields=list(fields))
        audit_record(action="policies.version.updated", actor=actor, obj=version, detail={"fields": sorted(fields)})
    return version


@transaction.atomic
def policy_version_delete_draft(*, version: PolicyVersion, actor) -> None:
    """Throw away a draft (a bad import). Published versions are kept for ever."""
    version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    if not version.is_draft:
        raise PolicyVersionLocked("Published versions are kept; only a draft can be deleted.")
    audit_record(action="policies.version.deleted", actor=actor, obj=version)
    version.sections.all().delete()
    version.delete()


@transaction.atomic
def policy_acknowledge(*, version: PolicyVersion, user) -> Acknowledgement:
    """The user confirms "I have read and understood" the active version (seed 002 §16.1.5). Twice is harmless."""
    version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != PolicyVersion.Status.ACTIVE:
        raise PolicyError("This version is no longer the current one. Please read the current version.")
    existing = Acknowledgement.objects.filter(version=version, user=user).first()
    if existing is not None:
        return existing
    acknowledgement = Acknowledgement.objects.create(version=version, user=user)
    audit_record(action="policies.version.acknowledged", actor=user, obj=version)
    return acknowledgement


@transaction.atomic
def category_policy_sections_set(*, category: BoundaryCategory, sections, actor) -> BoundaryCategory:
    """Link a category to exactly these sections (from any version)."""
    category.policy_sections.set(sections)
    audit_record(
        action="policies.category.sections_linked",
        actor=actor,
        obj=category,
        detail={"sections": sorted(s.pk for s in sections)},
    )
    return category


@transaction.atomic
def rule_policy_sections_set(*, rule: Rule, sections, actor) -> Rule:
    """Link a rule to exactly these sections: the organisation's clauses behind it (shown at /policies/rules/)."""
    rule.policy_sections.set(sections)
    audit_record(
        action="policies.rule.sections_linked",
        actor=actor,
        obj=rule,
        detail={"sections": sorted(s.pk for s in sections)},
    )
    return rule
