"""Reads for the DPO's request pages. Only the DPO reaches them (privacy.permissions.can_use_privacy)."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from privacy.models import RightsRequest


def request_list() -> QuerySet[RightsRequest]:
    """Every request, oldest received first, with the person's record."""
    return RightsRequest.objects.select_related("staff__user", "service_user", "carer__service_user")


def request_overdue_list(today: datetime.date | None = None) -> list[RightsRequest]:
    """Open requests past their statutory date (RightsRequest.is_overdue, the one rule)."""
    today = today or timezone.localdate()
    return [r for r in request_list().filter(status=RightsRequest.Status.OPEN) if r.is_overdue(today)]


def request_record_choices(request: RightsRequest) -> list[tuple[str, str]]:
    """The records about the person, by title only (no content), for choosing one to correct or withhold."""
    from privacy.sar.collect import sar_pack_build

    pack = sar_pack_build(person_key=request.person_key)
    return [
        (item["key"], f"{section['title']}: {item['title']}{' · ' + item['date'] if item['date'] else ''}")
        for section in pack["sections"]
        for item in section["items"]
    ]


def who_looked(*, person_key: tuple[str, int]):
    """Every audited view and export of records about the person, for the DPO, oldest first: the records are
    those of the person's subject-access copy (privacy.sar.collect), so the two lists always agree."""
    from privacy.sar.collect import record_views_about, sar_pack_build

    return record_views_about(sar_pack_build(person_key=person_key)["records"], *person_key)
