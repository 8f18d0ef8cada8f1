"""Roles are Django groups (DESIGN §1), created by migration 0002. A person may hold several.

Record-level access is decided by predicates in each app's permissions.py, never by
is_superuser or a bare model permission.
"""

from django.db import models


class Role(models.TextChoices):
    WORKER = "Worker", "Worker"
    LINE_MANAGER = "Line manager", "Line manager"
    SENIOR_MANAGER = "Senior manager", "Senior manager"
    SAFEGUARDING_LEAD = "Safeguarding lead", "Safeguarding lead"
    HR = "HR", "HR"
    SPEAK_UP_GUARDIAN = "Speak-up guardian", "Speak-up guardian"
    COMMITTEE_MEMBER = "Committee member", "Committee member"
    AUDITOR = "Auditor", "Auditor / DPO"
    ADMINISTRATOR = "Administrator", "Administrator"
