"""Requests made through the services the pages use."""

import datetime

from django.utils import timezone

from privacy.models import RightsRequest
from privacy.requests.services import request_log


def log_request(*, actor, person, kind=RightsRequest.Kind.ACCESS, received_date: datetime.date | None = None):
    return request_log(actor=actor, kind=kind, person=person, received_date=received_date or timezone.localdate())


def concern_about(subject, *, reporter, **kwargs):
    """`reporter` raises a concern about `subject` through the disclosure services; returns the case."""
    from disclosures.tests.factories import disclosure_file
    from policies.models import DisclosureKind

    kwargs.setdefault("category_code", "discrimination")
    return disclosure_file(reporter=reporter, kind=DisclosureKind.CONCERN, subjects=[subject], **kwargs).case
