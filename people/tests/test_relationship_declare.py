"""people.services.relationship_declare: the one way to add an entry to the relationships register
(filing a disclosure, seed_demo)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from people.models import Relationship
from people.services import relationship_declare
from people.tests.factories import ServiceUserFactory


@pytest.mark.django_db
def test_declaring_a_relationship_records_who_and_why_in_the_history(org):
    su = ServiceUserFactory(team=org.north_a)
    relationship = relationship_declare(
        staff=org.worker,
        counterpart=Relationship.Counterpart.SERVICE_USER,
        kind=Relationship.Kind.FRIEND,
        began=Relationship.Began.BEFORE,
        service_user=su,
        declared_date=datetime.date(2026, 3, 2),
        actor=org.manager.user,
    )
    assert relationship.status == Relationship.Status.DECLARED
    record = relationship.history.get()
    assert record.history_user == org.manager.user
    assert record.history_change_reason == "people.relationship.declared"


@pytest.mark.django_db
def test_a_relationship_declared_with_an_agreed_arrangement_is_managed(org):
    relationship = relationship_declare(
        staff=org.worker,
        counterpart=Relationship.Counterpart.COLLEAGUE,
        kind=Relationship.Kind.PARTNER,
        began=Relationship.Began.DURING,
        colleague=org.colleague,
        arrangement="Not in each other's line management.",
        next_review_date=datetime.date(2027, 1, 4),
    )
    assert relationship.status == Relationship.Status.MANAGED


@pytest.mark.django_db
def test_a_relationship_must_name_who_it_is_with(org):
    with pytest.raises(ValidationError):
        relationship_declare(
            staff=org.worker,
            counterpart=Relationship.Counterpart.SERVICE_USER,
            kind=Relationship.Kind.FRIEND,
            began=Relationship.Began.BEFORE,
        )
    assert not Relationship.objects.exists()
