"""What the case pages share: finding a case the user may see (404 otherwise), risk bands, and how
people are named on a speak-up case."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from cases.models import SPEAK_UP_REPORTER, Case
from cases.selectors import (
    case_list_for,
)
from core.roles import Role, has_role

S = Case.Status


def _case_or_404(request, pk) -> Case:
    return get_object_or_404(case_list_for(request.user), pk=pk)


def _band_for(score, bands):
    if score is None:
        return None
    return next((b for b in bands if b.min_score <= score <= b.max_score), None)


class People:
    """How a person is named on a case page. On a speak-up case only the guardian sees who raised it
    (DESIGN §5, §6; AC-04): everyone else reads "the person who raised it" wherever the reporter
    appears – as the filer of a disclosure, the author of a follow-up, or an actor in the timeline."""

    def __init__(self, user, case: Case, disclosures):
        self.hide = case.is_speak_up and not has_role(user, Role.SPEAK_UP_GUARDIAN)
        self.reporter_user_ids = {d.reporter.user_id for d in disclosures}
        self.reporter_staff_ids = {d.reporter_id for d in disclosures}
        # case_history gives names, not ids: the reporter's possible display names.
        self.reporter_names = {n for d in disclosures for n in (d.reporter.full_name, d.reporter.user.username)}

    def name(self, name: str) -> str:
        return SPEAK_UP_REPORTER if self.hide and name in self.reporter_names else name

    def user(self, user) -> str:
        if user is None:
            return "Boundaries"
        if self.hide and user.pk in self.reporter_user_ids:
            return SPEAK_UP_REPORTER
        return user.get_full_name() or user.username

    def staff(self, staff) -> str:
        if staff is None:
            return ""
        if self.hide and staff.pk in self.reporter_staff_ids:
            return SPEAK_UP_REPORTER
        return staff.full_name
