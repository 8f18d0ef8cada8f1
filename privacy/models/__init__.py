"""The privacy app's records, by concern: the retention schedule, legal holds and retention runs
(retention.py); data subjects' requests, withheld passages and corrections (requests.py)."""

from privacy.models.requests import RecordCorrection, Redaction, RightsRequest
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
    "RecordCorrection",
    "RecordType",
    "Redaction",
    "RetentionDisposal",
    "RetentionRule",
    "RetentionRun",
    "RightsRequest",
]
