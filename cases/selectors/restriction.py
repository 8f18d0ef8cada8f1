"""Whether a case names a person whose records are restricted (UK GDPR Article 18): the case pages then show
the restriction banner. Which people a case names is this module's; whether a person is restricted is
people.selectors.restricted_people (granted and lifted by the data protection officer, docs/privacy.md)."""

from __future__ import annotations

from cases.models import Case
from people.selectors import restricted_people


def case_names_restricted_person(case: Case) -> bool:
    """True when anyone the case names (subject, service user, person involved in any part, reporter, or a
    person named on its disclosures) is under a restriction now."""
    staff, service_users, carers = set(), set(), set()
    staff |= set(case.subjects.values_list("pk", flat=True))
    service_users |= set(case.service_users.values_list("pk", flat=True))
    for s, su, c in case.involvements.values_list("staff_id", "service_user_id", "carer_id"):
        staff.add(s), service_users.add(su), carers.add(c)
    for disclosure in case.disclosures.all():
        staff.add(disclosure.reporter_id)
        staff |= set(disclosure.subjects.values_list("pk", flat=True))
        service_users |= set(disclosure.service_users.values_list("pk", flat=True))
        carers |= set(disclosure.carers.values_list("pk", flat=True))
    return restricted_people(
        staff_ids=staff - {None}, service_user_ids=service_users - {None}, carer_ids=carers - {None}
    )
