"""Decisions on variation requests (seed 000 §5.7–5.8): a plan that stretches a boundary is agreed,
agreed with conditions, or declined, by the reviewer, before the activity date."""

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cases.models.case import Case
from people.models import StaffMember


class VariationDecision(models.Model):
    class Decision(models.TextChoices):
        AGREED = "agreed", "Agreed"
        AGREED_WITH_CONDITIONS = "agreed_with_conditions", "Agreed with conditions"
        DECLINED = "declined", "Declined"

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="variation_decision")
    decision = models.CharField(max_length=30, choices=Decision.choices)
    reason = models.TextField(help_text="Why, in words the worker will read.")
    conditions = models.TextField(blank=True, help_text="One condition a line; each becomes an action.")
    decided_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    def __str__(self):
        return f"{self.case}: {self.get_decision_display()}"

    @property
    def condition_lines(self) -> list[str]:
        return [line.strip() for line in self.conditions.splitlines() if line.strip()]
