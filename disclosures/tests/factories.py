"""Factories for disclosures. Submitted disclosures are made through the real services
(disclosure_file), so routing, the timeline, the outbox and the audit trail are real."""

import factory

from disclosures.models import Disclosure
from disclosures.services import disclosure_draft_save, disclosure_submit
from people.tests.factories import StaffMemberFactory
from policies.models import BoundaryCategory, DisclosureKind


def category(code: str) -> BoundaryCategory:
    """One of the default categories seeded by policies migration 0002."""
    return BoundaryCategory.objects.get(code=code)


class DraftDisclosureFactory(factory.django.DjangoModelFactory):
    """A draft, as left by a worker who saved and will finish later."""

    class Meta:
        model = Disclosure

    kind = DisclosureKind.SELF_DECLARATION
    reporter = factory.SubFactory(StaffMemberFactory)
    category = factory.LazyFunction(lambda: category("gifts-money"))
    narrative = "A service user offered me a small gift at the end of the visit."


def disclosure_file(
    *,
    reporter,
    kind: str = DisclosureKind.SELF_DECLARATION,
    category_code: str = "gifts-money",
    subjects=(),
    service_users=(),
    carers=(),
    narrative: str = "A service user offered me a small gift at the end of the visit.",
    at_risk_now: bool = False,
    speak_up: bool = False,
    details: dict | None = None,
    confidential: bool = False,
) -> Disclosure:
    """File a disclosure end to end through the services the form uses: draft, then submit."""
    draft = disclosure_draft_save(
        reporter=reporter,
        kind=kind,
        category=category(category_code),
        narrative=narrative,
        at_risk_now=at_risk_now,
        details=details or {},
        subjects=list(subjects),
        service_users=list(service_users),
        carers=list(carers),
        speak_up=speak_up,
        good_faith_confirmed=kind == DisclosureKind.CONCERN,
        confidential=confidential,
    )
    return disclosure_submit(disclosure=draft, actor=reporter.user)
