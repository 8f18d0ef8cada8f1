from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from core.roles import Role


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


class RoleGrant(models.Model):
    """A role asked for someone that needs a second person before it takes effect (core.roles.GRANT_APPROVER).

    One administrator asks (through the admin); a safeguarding lead, or for the Administrator role a
    second administrator, approves on /accounts/roles/grants/. Nobody asks for or approves their own.
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", "Waiting for approval"
        APPROVED = "approved", "Approved: the role was added"
        REFUSED = "refused", "Turned down"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=150, help_text="The role's name, as its group is named (core.roles.Role).")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(requested_by=models.F("user")), name="rolegrant_not_own_request"
            ),
            models.CheckConstraint(
                condition=models.Q(decided_by__isnull=True) | ~models.Q(decided_by=models.F("requested_by")),
                name="rolegrant_second_person_decides",
            ),
            models.CheckConstraint(
                condition=models.Q(decided_by__isnull=True) | ~models.Q(decided_by=models.F("user")),
                name="rolegrant_not_own_decision",
            ),
            models.UniqueConstraint(
                fields=["user", "role"], condition=models.Q(status="requested"), name="rolegrant_one_pending_per_role"
            ),
        ]

    def __str__(self):
        return f"{self.role} for {self.user} ({self.get_status_display()})"

    @property
    def role_label(self) -> str:
        try:
            return Role(self.role).label
        except ValueError:
            return self.role
