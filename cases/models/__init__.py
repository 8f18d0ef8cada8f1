"""The manager's record of a situation (DESIGN §3 "cases"), by concern: the case and its timeline, the
review records, the people involved and their parts, variation decisions, and patterns across cases.

cases never imports disclosures: a case reaches its disclosures through `case.disclosures`.
"""

from cases.models.case import SPEAK_UP_REPORTER, Case, CaseQuerySet, Outcome, ReferenceSequence, TimelineEntry
from cases.models.gifts import GiftDecision
from cases.models.patterns import PatternAlert, PatternRule
from cases.models.people import Involvement, SupportOffered
from cases.models.review import (
    Action,
    ActionCheck,
    ActionTemplate,
    PromptAnswer,
    Review,
    RiskAssessment,
    RiskBand,
    RiskScaleLabel,
    SubjectNotice,
)
from cases.models.variations import VariationDecision

__all__ = [
    "SPEAK_UP_REPORTER",
    "Action",
    "ActionCheck",
    "ActionTemplate",
    "Involvement",
    "PatternAlert",
    "PatternRule",
    "SupportOffered",
    "VariationDecision",
    "Case",
    "CaseQuerySet",
    "GiftDecision",
    "Outcome",
    "PromptAnswer",
    "ReferenceSequence",
    "Review",
    "RiskAssessment",
    "RiskBand",
    "RiskScaleLabel",
    "SubjectNotice",
    "TimelineEntry",
]
