"""The privacy app's models, by concern. Import each name explicitly here."""

from privacy.models.requests import RecordCorrection, Redaction, RightsRequest

__all__ = ["RecordCorrection", "Redaction", "RightsRequest"]
