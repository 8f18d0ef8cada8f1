"""A relationship declared "between me and my line manager" (docs/cases.md "Confidential cases"; seed 004
supervision) stays off the register for anyone who may not open its case (AC-03)."""

import pytest

from disclosures.tests.factories import disclosure_file
from people.tests.factories import ServiceUserFactory
from registers.selectors import relationship_register_for

pytestmark = pytest.mark.django_db


def test_a_confidential_relationship_stays_off_the_senior_managers_register(org):
    service_user = ServiceUserFactory(team=org.north_a)
    disclosure = disclosure_file(
        reporter=org.worker,
        category_code="prior-relationship",
        service_users=[service_user],
        details={"kind": "friend", "began": "before"},
        confidential=True,
    )
    assert disclosure.case.is_confidential

    def listed(user):
        return any(service_user.reference in str(vars(entry)) for entry in relationship_register_for(user))

    assert not listed(org.senior.user)
    assert listed(org.manager.user)  # the line manager keeps the register up to date
