"""Decisions on gifts worth more than the threshold (docs/registers.md; seed 004 §1.2, seed 000 §4.1)."""

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cases.models.case import Case
from people.models import StaffMember


class GiftDecision(models.Model):
    """The reviewer's decision on a gift declared on the case and worth more than
    settings.GIFT_DECISION_THRESHOLD (docs/registers.md; seed 004 §1.2, seed 000 §4.1).

    cases never imports disclosures: the gift is named by its disclosure's reference, which is unique and
    never changes once given. One decision per gift; never edited.
    """

    class Decision(models.TextChoices):
        KEEP_FOR_TEAM = "keep_for_team", "Kept for the team (passed to the organisation)"
        RETURN = "return", "Returned to the giver"
        DONATE = "donate", "Donated to charity"
        DECLINE = "decline", "Declined"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="gift_decisions")
    disclosure_reference = models.CharField(max_length=20, unique=True, help_text="The gift's disclosure.")
    value = models.DecimalField(max_digits=10, decimal_places=2, help_text="The value declared, when decided.")
    decision = models.CharField(max_length=20, choices=Decision.choices)
    note = models.TextField(help_text="Why, and what happens to the gift.")
    decided_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["decided_at", "pk"]

    def __str__(self):
        return f"{self.case} gift {self.disclosure_reference}: {self.decision}"
