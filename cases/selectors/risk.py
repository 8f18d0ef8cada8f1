"""The risk matrix: bands and a case's current assessment."""

from __future__ import annotations

from cases.models import (
    Case,
    RiskAssessment,
    RiskBand,
    RiskScaleLabel,
)
from core.cache import shared_data


def risk_bands() -> list[RiskBand]:
    """The bands in score order: the same for everyone, kept per process (core.cache)."""
    return shared_data("cases.risk_bands", lambda: list(RiskBand.objects.order_by("min_score")), models=[RiskBand])


def risk_scale_labels() -> list[RiskScaleLabel]:
    """The words for each likelihood and consequence value, kept per process (core.cache)."""
    return shared_data("cases.risk_scale_labels", lambda: list(RiskScaleLabel.objects.all()), models=[RiskScaleLabel])


def risk_band_for(score: int | None) -> RiskBand | None:
    """The band a likelihood × consequence score falls in (the bands are data: migration 0003)."""
    if score is None:
        return None
    return RiskBand.objects.filter(min_score__lte=score, max_score__gte=score).order_by("min_score").first()


def case_current_assessment(*, case: Case) -> RiskAssessment | None:
    """The latest risk assessment of a case: the current one."""
    return case.assessments.order_by("-assessed_at", "-pk").first()


def case_current_band(*, case: Case) -> RiskBand | None:
    """The band of the current assessment, or None before any assessment."""
    assessment = case_current_assessment(case=case)
    return risk_band_for(assessment.score) if assessment else None
