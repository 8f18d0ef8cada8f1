"""The privacy app's records, by concern: the retention schedule, legal holds and retention runs
(retention.py)."""

from privacy.models.retention import (
    CaseGroup,
    CountedFrom,
    LegalHold,
    RecordType,
    RetentionDisposal,
    RetentionRule,
    RetentionRun,
)

__all__ = [
    "CaseGroup",
    "CountedFrom",
    "LegalHold",
    "RecordType",
    "RetentionDisposal",
    "RetentionRule",
    "RetentionRun",
]
