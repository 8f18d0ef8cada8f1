"""The demo's quarterly reports, for `manage.py seed_demo` (a step in demo.management.commands.seed_demo.DEMO_STEPS).

The safeguarding lead approves the lessons of the last complete quarter's closed cases (the demo's
lessons are written without names), then the report for that quarter and the one before are asked
for through the same service the page uses. They compile when the seeding transaction commits: in
the process itself with the embedded defaults, on a worker when REDIS_URL is set.
"""

from django.contrib.auth import get_user_model

from demo.context import ANCHOR_DATE, DemoContext
from reporting.models import LessonReview, QuarterlyReport
from reporting.periods import Quarter
from reporting.selectors import lessons_for_review
from reporting.services import lesson_review_save, report_request


def seed_reports(ctx: DemoContext) -> str:
    """Approved lessons and the last two quarters' reports, unless reports exist already."""
    if QuarterlyReport.objects.exists():
        return "Quarterly reports: already there."
    lead = get_user_model().objects.get(username="safeguarding")
    latest = Quarter.containing(ANCHOR_DATE).previous()  # the demo's history ends at the anchor date
    approved = 0
    for case in lessons_for_review(user=lead, quarter=latest):
        lesson_review_save(case=case, decision=LessonReview.Decision.APPROVED, text="", actor=lead)
        approved += 1
    for quarter in (latest.previous(), latest):
        report_request(quarter=quarter, trigger=QuarterlyReport.Trigger.PERSON, requested_by=lead)
    return f"Quarterly reports: {latest.previous()} and {latest} asked for, {approved} lessons approved for {latest}."
