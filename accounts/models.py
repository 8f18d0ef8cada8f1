from django.conf import settings
from django.db import models


class LoginThrottle(models.Model):
    """Failed sign-ins counted for one account name or one client address (AS-04).

    The key is a SHA-256 of "account:<name>" or "address:<ip>", so the table holds neither.
    Kept in the database (not Redis) so every web host sees the same count and signing in
    never depends on the broker (AS-14).
    """

    key = models.CharField(max_length=64, unique=True)
    failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.key[:12]}… ({self.failures} failures)"


class MfaReset(models.Model):
    """A request to remove someone's second factor: one person asks, a different one approves."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Waiting for a second person"
        APPROVED = "approved", "Approved: second factor removed"
        CANCELLED = "cancelled", "Cancelled"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(requested_by=models.F("user")), name="mfareset_not_own_request"),
            models.CheckConstraint(
                condition=models.Q(decided_by__isnull=True) | ~models.Q(decided_by=models.F("requested_by")),
                name="mfareset_second_person_decides",
            ),
            models.CheckConstraint(
                condition=models.Q(decided_by__isnull=True) | ~models.Q(decided_by=models.F("user")),
                name="mfareset_not_own_decision",
            ),
        ]

    def __str__(self):
        return f"Second-factor reset for {self.user} ({self.get_status_display()})"
