"""Patterns across cases (seed 004 §1.2; seed 000 §4.1): rules as data, and the alerts they raise once
per pattern for the safeguarding lead."""

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cases.models.case import Case
from policies.models import Part


class PatternRule(models.Model):
    """A pattern the product watches for: how many cases about the same person, in which parts, within
    how many months. Seeded by a data migration with each rule's policy clause; editable in the admin."""

    class Person(models.TextChoices):
        GIVER = "giver", "The same giver (a service user or carer)"
        STAFF = "staff", "The same member of staff"
        SERVICE_USER = "service_user", "The same service user"

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(help_text="What the pattern is, in plain words, for the safeguarding lead.")
    person = models.CharField(max_length=20, choices=Person.choices)
    parts = models.JSONField(default=list, help_text="Parts (policies.Part) the person plays in each case.")
    count_distinct_workers = models.BooleanField(
        default=False, help_text="Count the different workers involved (e.g. gifts to two or more workers)."
    )
    threshold = models.PositiveSmallIntegerField(help_text="How many cases (or workers) make a pattern.")
    within_months = models.PositiveSmallIntegerField(default=12)
    policy_refs = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.name

    def get_parts_display(self) -> list[str]:
        return [Part(code).label for code in self.parts if code in Part.values]


class PatternAlert(models.Model):
    """One pattern found: raised once, then kept up to date as more cases join it."""

    class State(models.TextChoices):
        NEW = "new", "New"
        LOOKED_AT = "looked_at", "Looked at"
        ACTED_ON = "acted_on", "Acted on"

    rule = models.ForeignKey(PatternRule, on_delete=models.PROTECT, related_name="alerts")
    key = models.CharField(max_length=60, help_text="Which person: e.g. staff:12, service_user:3, carer:7.")
    cases = models.ManyToManyField(Case, related_name="pattern_alerts")
    state = models.CharField(max_length=20, choices=State.choices, default=State.NEW)
    raised_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-raised_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["rule", "key"], name="pattern_alert_once_per_pattern")]

    def __str__(self):
        return f"{self.rule}: {self.key}"
