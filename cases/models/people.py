"""Everyone involved in a case and the part they play (seed 002 §7; seed 001 "Sexualised behaviour";
seed 000 §4), and the support offered to someone harmed or affected."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cases.models.case import Case
from people.models import CarerOrRelative, ServiceUser, StaffMember
from policies.models import Part


class Involvement(models.Model):
    """One person's part in a case: a member of staff, a service user, or a carer or relative. A person
    may play several parts (the worker who raised it and who is harmed). The reviewer corrects a part
    with a reason (timeline and history)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="involvements")
    part = models.CharField(max_length=20, choices=Part.choices)
    staff = models.ForeignKey(StaffMember, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    service_user = models.ForeignKey(
        ServiceUser, null=True, blank=True, on_delete=models.PROTECT, related_name="involvements"
    )
    carer = models.ForeignKey(
        CarerOrRelative, null=True, blank=True, on_delete=models.PROTECT, related_name="involvements"
    )
    added_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(staff__isnull=False, service_user__isnull=True, carer__isnull=True)
                    | Q(staff__isnull=True, service_user__isnull=False, carer__isnull=True)
                    | Q(staff__isnull=True, service_user__isnull=True, carer__isnull=False)
                ),
                name="involvement_one_person",
                violation_error_message="An involvement names exactly one person.",
            ),
        ]
        indexes = [
            models.Index(fields=["staff", "part"], name="involvement_staff_part"),
            models.Index(fields=["service_user", "part"], name="involvement_su_part"),
            models.Index(fields=["carer", "part"], name="involvement_carer_part"),
        ]

    def __str__(self):
        return f"{self.case}: {self.get_part_display()}"

    @property
    def person_key(self) -> tuple[str, int]:
        """Which person this is, whatever their part: ("staff", 12), ("service_user", 3), ("carer", 7)."""
        if self.staff_id:
            return ("staff", self.staff_id)
        if self.service_user_id:
            return ("service_user", self.service_user_id)
        return ("carer", self.carer_id)


class SupportOffered(models.Model):
    """Support offered to a member of staff harmed or affected: what, by whom, when."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="support_offered")
    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="support_received")
    what = models.TextField(help_text="The support offered, e.g. a debrief, occupational health, a change of rota.")
    offered_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    offered_date = models.DateField(default=timezone.localdate)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-offered_date", "-pk"]
        verbose_name_plural = "support offered"

    def __str__(self):
        return f"{self.case}: support for staff {self.staff_id}"
