"""Reads for reporting: who may see which report, and every figure of a quarter as database
aggregates (docs/reporting.md "Definitions"). The number of queries does not depend on the
number of cases (reporting/tests/test_figures.py checks it)."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import (
    Case as CaseWhen,
)
from django.db.models import (
    CharField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from cases.models import (
    Action,
    Case,
    GiftDecision,
    Outcome,
    PromptAnswer,
    RiskAssessment,
    RiskBand,
    VariationDecision,
)
from cases.selectors import case_lessons_list_for
from disclosures.models import Disclosure
from people.models import StaffMember, Team
from policies.models import BoundaryCategory, DisclosureKind, Priority, StatutoryPrompt
from policies.selectors import acknowledgement_compliance
from reporting.disclosure import Release
from reporting.models import LessonReview, QuarterlyReport
from reporting.periods import Quarter
from reporting.permissions import can_check_reports, can_view_reports

TREND_QUARTERS = 5  # this quarter and the four before it
NOT_ASSESSED = "not_assessed"
NO_OUTCOME = "none"


def report_list_for(user) -> QuerySet[QuarterlyReport]:
    """Reports the user may see (every revision, newest period first); none for anyone else."""
    if not can_view_reports(user):
        return QuarterlyReport.objects.none()
    return QuarterlyReport.objects.defer("pdf", "csv", "xlsx", "snapshot")


def report_get_file_for(user, *, pk: int) -> QuarterlyReport:
    """One released report (ready and passed the disclosure check) with its files, or DoesNotExist
    (the view turns it into a 404)."""
    return report_list_for(user).defer(None).get(pk=pk, status=QuarterlyReport.Status.READY, exposed_cells=0)


def report_checkable_for(user) -> QuerySet[QuarterlyReport]:
    """Ready reports whose disclosure check the user may run (the DPO and the safeguarding lead)."""
    if not can_check_reports(user):
        return QuarterlyReport.objects.none()
    return QuarterlyReport.objects.defer("pdf", "csv", "xlsx").filter(status=QuarterlyReport.Status.READY)


def report_releases(*, exclude_pk: int | None = None) -> list[Release]:
    """Every released report as its reader holds it: the attacker's input (1 query)."""
    reports = (
        QuarterlyReport.objects.filter(status=QuarterlyReport.Status.READY, exposed_cells=0)
        .exclude(pk=exclude_pk)
        .order_by("year", "quarter", "revision")
        .only("year", "quarter", "revision", "snapshot", "threshold")
    )
    return [release_of(report) for report in reports if (report.snapshot or {}).get("cells") is not None]


def release_of(report: QuarterlyReport) -> Release:
    return Release(
        f"{report.period} revision {report.revision}", report.snapshot["cells"], report.snapshot["threshold"]
    )


def lessons_approved(*, quarter: Quarter) -> list[str]:
    """The lessons the report for the quarter would publish now (1 query)."""
    reviewed = (
        LessonReview.objects.filter(
            case__closed_at__gte=quarter.start_at,
            case__closed_at__lt=quarter.end_at,
            case__status=Case.Status.CLOSED,
            case__is_restricted=False,
            case__is_confidential=False,
            decision__in=[LessonReview.Decision.APPROVED, LessonReview.Decision.EDITED],
        )
        .order_by()
        .values_list("published_text", "source_sha256", "case__lessons")
    )
    return sorted(text.strip() for text, sha, source in reviewed if sha == lessons_sha256(source))


def report_periods_with_new_lessons() -> list[QuarterlyReport]:
    """The latest ready revision of each period whose approved lessons changed after it was compiled:
    the safeguarding lead is offered a new revision (2 queries + 1 per period with reports)."""
    latest: dict[str, QuarterlyReport] = {}
    for report in QuarterlyReport.objects.filter(status=QuarterlyReport.Status.READY).only(
        "year", "quarter", "revision", "snapshot", "status"
    ):
        latest.setdefault(report.period, report)  # newest revision first (Meta.ordering)
    active = set(
        QuarterlyReport.objects.filter(status__in=QuarterlyReport.ACTIVE_STATUSES).values_list("year", "quarter")
    )
    stale = []
    for report in latest.values():  # one per quarter that has a report: a handful
        if (report.year, report.quarter) in active:
            continue
        if lessons_approved(quarter=Quarter(report.year, report.quarter)) != (report.snapshot or {}).get("lessons"):
            stale.append(report)
    return stale


def lessons_sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def lessons_for_review(*, user, quarter: Quarter) -> QuerySet[Case]:
    """Closed cases of the quarter with lessons this safeguarding lead may review, and their review if
    any: cases.selectors.case_lessons_list_for (the same conflict exclusions as every list, no
    restricted case). Case content: audit the read."""
    return (
        case_lessons_list_for(user)
        .filter(closed_at__gte=quarter.start_at, closed_at__lt=quarter.end_at)
        .select_related("category", "lesson_review")
        .order_by("closed_at", "pk")
    )


# ---------------------------------------------------------------------------------------------
# Figures


@dataclass
class RawFigures:
    """Every count of a quarter before suppression, plus the labels to lay them out."""

    quarter: Quarter
    trend_quarters: list[Quarter]
    counts: dict[str, int] = field(default_factory=dict)
    medians: dict[str, float | None] = field(default_factory=dict)
    labels: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    lessons: list[str] = field(default_factory=list)
    policies: list[str] = field(default_factory=list)


def _in(name: str, quarter: Quarter) -> Q:
    return Q(**{f"{name}__gte": quarter.start_at, f"{name}__lt": quarter.end_at})


def _open_at(moment: datetime.datetime) -> Q:
    return Q(opened_at__lt=moment) & (Q(closed_at__isnull=True) | Q(closed_at__gte=moment))


def _active_during(quarter: Quarter) -> Q:
    """Opened before the quarter ends and not closed before it starts: the cases any column counts."""
    return Q(opened_at__lt=quarter.end_at) & (Q(closed_at__isnull=True) | Q(closed_at__gte=quarter.start_at))


def _case_columns(quarter: Quarter) -> dict:
    return {
        "opened": Count("pk", filter=_in("opened_at", quarter)),
        "closed": Count("pk", filter=_in("closed_at", quarter)),
        "open_end": Count("pk", filter=_open_at(quarter.end_at)),
    }


def _calendar_days(start: str, end: str) -> ExpressionWrapper:
    """Whole calendar days between two moments, by their dates in UK time: opened at 23:30 and
    closed at 00:30 the next day is 1 day; opened and closed on the same day is 0."""
    london = timezone.get_default_timezone()
    return ExpressionWrapper(
        TruncDate(end, tzinfo=london) - TruncDate(start, tzinfo=london), output_field=DurationField()
    )


def _median_days(queryset: QuerySet, expression, n: int) -> float | None:
    """The median of `expression` (a duration) over `n` rows: at most two rows fetched, sorted by
    the database (portable: PostgreSQL and SQLite)."""
    if n == 0:
        return None
    low, high = (n - 1) // 2, n // 2
    values = list(
        queryset.annotate(d=expression).order_by("d").values_list("d", flat=True)[low : high + 1]  # noqa: E203
    )
    seconds = (values[0].total_seconds() + values[-1].total_seconds()) / 2
    return round(seconds / 86400, 1)


# What became of a gift declared: the worker's answer, or the manager's decision above the threshold.
GIFT_OUTCOMES = [
    ("accepted", "Accepted by the worker"),
    ("declined", "Declined"),
    ("returned", "Given back"),
    ("keep_for_team", "Passed to the organisation"),
    ("donate", "Donated to charity"),
    ("unknown", "Not recorded"),
]
GIFT_FROM_DECISION = {"keep_for_team": "keep_for_team", "return": "returned", "donate": "donate", "decline": "declined"}


def report_figures(*, quarter: Quarter) -> RawFigures:
    """Every figure of the quarter as database aggregates; about 20 queries whatever the size."""
    trend = [*quarter.previous_n(TREND_QUARTERS - 1), quarter]
    raw = RawFigures(quarter=quarter, trend_quarters=trend)
    counts = raw.counts
    cases = Case.objects.order_by()

    # Trend: disclosures, opened, closed, open at the end of each of the five quarters (2 queries).
    aggregates = {}
    for i, q in enumerate(trend):
        aggregates[f"q{i}.opened"] = Count("pk", filter=_in("opened_at", q))
        aggregates[f"q{i}.closed"] = Count("pk", filter=_in("closed_at", q))
        aggregates[f"q{i}.open_end"] = Count("pk", filter=_open_at(q.end_at))
    # A case any of the five quarters counts was opened before this quarter ends and was not
    # closed before the first of them started.
    counts.update(
        cases.filter(opened_at__lt=quarter.end_at).exclude(closed_at__lt=trend[0].start_at).aggregate(**aggregates)
    )
    submitted = Disclosure.objects.order_by().filter(
        status=Disclosure.Status.SUBMITTED, submitted_at__gte=trend[0].start_at, submitted_at__lt=quarter.end_at
    )
    counts.update(
        submitted.aggregate(
            **{f"q{i}.disclosures": Count("pk", filter=_in("submitted_at", q)) for i, q in enumerate(trend)}
        )
    )

    # Disclosures by kind (1 query).
    by_kind = dict(submitted.filter(_in("submitted_at", quarter)).values_list("kind").annotate(n=Count("pk")))
    raw.labels["kind"] = [(code, label) for code, label in DisclosureKind.choices]
    for code, _ in raw.labels["kind"]:
        counts[f"disclosures.kind.{code}"] = by_kind.get(code, 0)

    # Cases by category, team, priority and risk band (2 label queries + 4 count queries).
    raw.labels["category"] = [(str(pk), name) for pk, name in BoundaryCategory.objects.values_list("pk", "name")]
    raw.labels["team"] = [(str(pk), name) for pk, name in Team.objects.order_by("name").values_list("pk", "name")]
    raw.labels["priority"] = [(code, label) for code, label in Priority.choices]
    bands = list(RiskBand.objects.order_by("min_score"))
    raw.labels["band"] = [(b.code, f"{b.label} ({b.min_score}–{b.max_score})") for b in bands] + [
        (NOT_ASSESSED, "Not assessed by the quarter's end")
    ]
    active = cases.filter(_active_during(quarter))
    # The band of the latest assessment before the quarter's end, worked out inside the one subquery
    # (a CASE over an annotated subquery would repeat the subquery in every branch: docs/performance.md).
    band_of_score = CaseWhen(
        *(When(score__gte=b.min_score, score__lte=b.max_score, then=Value(b.code)) for b in bands),
        default=Value(NOT_ASSESSED),
        output_field=CharField(),
    )
    latest_band = Subquery(
        RiskAssessment.objects.filter(case=OuterRef("pk"), assessed_at__lt=quarter.end_at)
        .order_by("-assessed_at", "-pk")
        .annotate(band=band_of_score)
        .values("band")[:1],
        output_field=CharField(),
    )
    dimensions = {
        "category": active.values(key=F("category_id")),
        "team": active.values(key=F("team_id")),
        "priority": active.values(key=F("priority")),
        "band": active.values(key=Coalesce(latest_band, Value(NOT_ASSESSED))),
    }
    columns = _case_columns(quarter)
    for dimension, rows in dimensions.items():
        found = {str(row["key"]): row for row in rows.annotate(**columns)}
        for code, _ in raw.labels[dimension]:
            row = found.get(code, {})
            for column in columns:
                counts[f"{column}.{dimension}.{code}"] = row.get(column, 0)

    # Outcomes of the cases closed in the quarter (1 query).
    closed = cases.filter(_in("closed_at", quarter))
    by_outcome = dict(closed.values_list("outcome").annotate(n=Count("pk")))
    raw.labels["outcome"] = [(code, label) for code, label in Outcome.choices] + [(NO_OUTCOME, "No outcome recorded")]
    for code, _ in raw.labels["outcome"]:
        counts[f"closed.outcome.{code}"] = by_outcome.get("" if code == NO_OUTCOME else code, 0)

    # Referrals made, per statutory route, dated by the answer (2 queries).
    referrals = PromptAnswer.objects.order_by().filter(
        referral_made=True, answered_date__gte=quarter.start_date, answered_date__lte=quarter.end_date
    )
    by_route = dict(referrals.values_list("prompt").annotate(n=Count("case", distinct=True)))
    raw.labels["referral"] = [(code, label) for code, label in StatutoryPrompt.choices]
    for code, _ in raw.labels["referral"]:
        counts[f"referral.{code}"] = by_route.get(code, 0)
    hr_prompted = referrals.filter(prompt=StatutoryPrompt.HR_INVESTIGATION).values("case_id")
    counts[f"referral.{StatutoryPrompt.HR_INVESTIGATION}"] = cases.filter(
        Q(hr_referred_at__gte=quarter.start_at, hr_referred_at__lt=quarter.end_at) | Q(pk__in=hr_prompted)
    ).count()

    # Timeliness (1 aggregate + 2 median queries of at most two rows each).
    to_acknowledge = _calendar_days("opened_at", "acknowledged_at")
    to_close = _calendar_days("opened_at", "closed_at")
    target = datetime.timedelta(days=settings.REPORT_CLOSE_TARGET_DAYS)
    timing = cases.annotate(close_days=to_close).aggregate(
        **{
            "ack.count": Count("pk", filter=_in("acknowledged_at", quarter)),
            "ack.within": Count(
                "pk", filter=_in("acknowledged_at", quarter) & Q(acknowledged_at__date__lte=F("acknowledge_by_date"))
            ),
            "close.count": Count("pk", filter=_in("closed_at", quarter)),
            "close.within": Count("pk", filter=_in("closed_at", quarter) & Q(close_days__lte=target)),
        }
    )
    counts.update(timing)
    counts["ack.late"] = counts["ack.count"] - counts["ack.within"]
    counts["close.late"] = counts["close.count"] - counts["close.within"]
    raw.medians["ack"] = _median_days(
        cases.filter(_in("acknowledged_at", quarter)), to_acknowledge, counts["ack.count"]
    )
    raw.medians["close"] = _median_days(closed, to_close, counts["close.count"])

    # Overdue at the quarter's end (2 queries).
    counts["overdue.reviews"] = cases.filter(_open_at(quarter.end_at), next_review_date__lte=quarter.end_date).count()
    counts["overdue.actions"] = (
        Action.objects.filter(created_at__lt=quarter.end_at, due_date__lte=quarter.end_date)
        .filter(Q(status=Action.Status.OPEN) | Q(status=Action.Status.DONE, completed_at__gte=quarter.end_at))
        .count()
    )

    # Workers who were the subject of two or more cases opened in the twelve months to the quarter's end (1 query).
    window_start = trend[-4].start_at
    counts["workers.repeat"] = (
        Case.subjects.through.objects.filter(case__opened_at__gte=window_start, case__opened_at__lt=quarter.end_at)
        .values("staffmember_id")
        .annotate(n=Count("case_id", distinct=True))
        .filter(n__gte=2)
        .count()
    )

    # Policy acknowledgement compliance by team at the quarter's end: the same selector and the same
    # definition as the compliance page (3 queries).
    rows = acknowledgement_compliance(staff_qs=StaffMember.objects.all(), at=quarter.end_at)
    teams: dict[int, dict] = {}
    policies: dict[int, str] = {}
    for row in rows:  # one row per team and active policy version: a handful, not per case
        team = teams.setdefault(row.team_id, {"name": row.team_name, "staff": row.staff_count, "due": 0, "made": 0})
        team["due"] += row.staff_count
        team["made"] += row.acknowledged_count
        policies[row.version_id] = f"{row.policy_title} ({row.version_label})"
    raw.policies = sorted(policies.values())
    raw.labels["compliance"] = [(str(pk), t["name"]) for pk, t in teams.items()]
    for pk, t in teams.items():
        counts[f"staff.team.{pk}"] = t["staff"]
        counts[f"due.team.{pk}"] = t["due"]
        counts[f"made.team.{pk}"] = t["made"]
        counts[f"out.team.{pk}"] = t["due"] - t["made"]
    for column in ("staff", "due", "made", "out"):
        counts[f"{column}.total"] = sum(counts[f"{column}.team.{pk}"] for pk in teams)

    # Gifts and hospitality declared in the quarter, by what became of them: the manager's decision where one
    # was needed (docs/registers.md), otherwise the worker's answer (2 queries).
    gifts = submitted.filter(_in("submitted_at", quarter), category__questions=BoundaryCategory.Questions.GIFT)
    decided = dict(
        GiftDecision.objects.filter(disclosure_reference__in=gifts.values("reference")).values_list(
            "disclosure_reference", "decision"
        )
    )
    raw.labels["gift"] = GIFT_OUTCOMES
    for code, _ in GIFT_OUTCOMES:
        counts[f"gift.{code}"] = 0
    for reference, details in gifts.values_list("reference", "details"):
        outcome = GIFT_FROM_DECISION.get(decided.get(reference)) or (details or {}).get("response") or "unknown"
        key = f"gift.{outcome if outcome in dict(GIFT_OUTCOMES) else 'unknown'}"
        counts[key] += 1

    # Variation requests decided in the quarter, by decision (seed 000 §5.7–5.8; 1 query).
    by_decision = dict(
        VariationDecision.objects.filter(_in("decided_at", quarter)).values_list("decision").annotate(n=Count("pk"))
    )
    raw.labels["variation"] = [(code, label) for code, label in VariationDecision.Decision.choices]
    for code, _ in raw.labels["variation"]:
        counts[f"variation.{code}"] = by_decision.get(code, 0)

    # Lessons for training: only text the safeguarding lead approved, still matching the case (1 query).
    raw.lessons = lessons_approved(quarter=quarter)
    return raw
