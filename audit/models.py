from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """Append-only record of who did what (DESIGN §3 "audit").

    On PostgreSQL a trigger refuses UPDATE and DELETE on this table (migration 0002, DI-05).
    Events never hold case content: the action code and the object's type and id say what
    happened; `detail` holds only non-identifying facts (a count, an outcome).
    """

    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    request_id = models.CharField(max_length=36, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.action} {self.object_type}:{self.object_id}"


class AuditDigest(models.Model):
    """One link of the daily chain over the audit trail (DI-05 tamper evidence; docs/security.md).

    `digest` is SHA-256 over `previous` (the digest of the day before, or 64 zeros for the first
    day) and the day's events in id order (audit.chain.canonical). A "sealed" row is written once
    per UTC day; when retention removes or rewrites events of a sealed day through audit.removal,
    a "resealed" row for that day records the new digest with the same `previous`. Append-only like
    the events themselves (the same trigger and grants).
    """

    class Kind(models.TextChoices):
        SEALED = "sealed", "Sealed"
        RESEALED = "resealed", "Resealed after removal"

    day = models.DateField(db_index=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SEALED)
    events = models.PositiveIntegerField()
    previous = models.CharField(max_length=64)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["day", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["day"], condition=models.Q(kind="sealed"), name="audit_digest_one_seal_per_day"
            )
        ]

    def __str__(self):
        return f"{self.day} {self.kind} {self.digest[:12]}"
