import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.formats import uk_date
from people.models import Assignment, Relationship, ServiceUser, StaffMember
from people.selectors import relationship_blocking_assignment, relationship_mirror, staff_managers_above
from people.signals import staff_changed

# Changes other apps must follow (people.signals.staff_changed): leaving, and line management.
WATCHED_STAFF_FIELDS = ("is_active", "end_date", "line_manager_id")


def _staff_before(staff: StaffMember) -> dict | None:
    if staff.pk is None:
        return None
    return (
        StaffMember.objects.filter(pk=staff.pk)
        .values("is_active", "end_date", "line_manager_id", "user__is_active")
        .first()
    )


def _staff_changed_send(*, staff: StaffMember, before: dict | None, actor) -> None:
    """Tell listeners (cases re-routing) that a worker left or their line management changed."""
    if before is None:
        return
    changed = {name.removesuffix("_id") for name in WATCHED_STAFF_FIELDS if before[name] != getattr(staff, name)}
    if before["user__is_active"] != staff.user.is_active:
        changed.add("user_active")
    if changed:
        staff_changed.send(
            sender=StaffMember,
            staff=staff,
            actor=actor,
            changed=frozenset(changed),
            previous_line_manager_id=before["line_manager_id"],
        )


def staff_line_manager_error(*, staff: StaffMember, manager: StaffMember | None) -> str | None:
    """Why this manager cannot manage this worker, or None if they can."""
    if manager is None:
        return None
    if manager.pk == staff.pk:
        return f"{staff.full_name} cannot be their own line manager."
    if staff.pk is not None and any(m.pk == staff.pk for m in [manager, *staff_managers_above(staff=manager)]):
        return (
            f"{manager.full_name} is already managed (directly or further down the chain) by "
            f"{staff.full_name}, so they cannot also be their line manager: that would make a loop."
        )
    return None


@transaction.atomic
def staff_save(*, staff: StaffMember, actor=None, reason: str = "people.staff.saved") -> StaffMember:
    """Save a staff record made or edited outside the services (admin, import); a leaver's account is
    switched off and an active worker's switched on, so the staff record and the log-in never disagree."""
    error = staff_line_manager_error(staff=staff, manager=staff.line_manager)
    if error:
        raise ValidationError({"line_manager": error})
    before = _staff_before(staff)
    user = staff.user
    if user.is_active != staff.is_active:
        user.is_active = staff.is_active
        user.save(update_fields=["is_active"])
    staff._history_user = actor
    staff._change_reason = reason
    staff.save()
    _staff_changed_send(staff=staff, before=before, actor=actor)
    return staff


@transaction.atomic
def staff_set_line_manager(*, staff: StaffMember, manager: StaffMember | None, actor=None) -> StaffMember:
    """Change a worker's line manager; refuses a loop in the chain."""
    error = staff_line_manager_error(staff=staff, manager=manager)
    if error:
        raise ValidationError({"line_manager": error})
    before = _staff_before(staff)
    staff.line_manager = manager
    staff._history_user = actor
    staff._change_reason = "people.staff.line_manager_changed"
    staff.save(update_fields=["line_manager"])
    _staff_changed_send(staff=staff, before=before, actor=actor)
    return staff


def assignment_refusal(*, staff: StaffMember, service_user: ServiceUser, role: str) -> str | None:
    """Why this worker may not take this role for this service user, or None if they may.

    seed 000 §4.2: a worker who knew a service user before "should not be given the role of key
    worker"; seed 004 ("Relationships and contact with service users within work") says the same of
    "the role of support worker with that individual". Both roles are therefore refused while the
    worker has an open (declared or managed) relationship in the register with the service user or
    with one of their carers or relatives; an ended relationship does not block.

    The message never names the kind of relationship: the person assigning (often an administrator
    importing a file) may not see the register's content (DESIGN §1, AC-07).
    """
    relationship = relationship_blocking_assignment(staff=staff, service_user=service_user)
    if relationship is None:
        return None
    role_label = Assignment.Role(role).label.lower()
    with_whom = (
        "with a carer or relative of this service user"
        if relationship.counterpart == Relationship.Counterpart.CARER
        else "with this service user"
    )
    return (
        f"{staff.full_name} cannot be {role_label} for {service_user.initials} ({service_user.reference}): "
        f"they declared a personal relationship {with_whom} on {uk_date(relationship.declared_date)}, "
        "and our boundaries policy says a worker who knows a service user personally should not be "
        "their key worker or support worker. Choose another worker, or ask the worker's line manager "
        "to review the entry in the relationships register."
    )


@transaction.atomic
def assignment_create(
    *,
    staff: StaffMember,
    service_user: ServiceUser,
    role: str,
    start_date: datetime.date | None = None,
    actor=None,
) -> Assignment:
    """Assign a worker to a service user; refuses a worker with an open declared relationship (seed 000 §4.2)."""
    existing = Assignment.objects.filter(
        staff=staff, service_user=service_user, role=role, end_date__isnull=True
    ).first()
    if existing is not None:
        return existing  # already assigned: re-running an import changes nothing
    refusal = assignment_refusal(staff=staff, service_user=service_user, role=role)
    if refusal:
        raise ValidationError(refusal)
    if role == Assignment.Role.KEY_WORKER:
        current = Assignment.objects.filter(
            service_user=service_user, role=Assignment.Role.KEY_WORKER, end_date__isnull=True
        ).exclude(staff=staff)
        for previous in current:
            assignment_end(assignment=previous, actor=actor)
    assignment = Assignment(
        staff=staff, service_user=service_user, role=role, start_date=start_date or timezone.localdate()
    )
    assignment._history_user = actor
    assignment._change_reason = "people.assignment.created"
    assignment.full_clean()
    assignment.save()
    return assignment


@transaction.atomic
def assignment_end(*, assignment: Assignment, end_date: datetime.date | None = None, actor=None) -> Assignment:
    """End an assignment (a handover)."""
    assignment.end_date = max(end_date or timezone.localdate(), assignment.start_date)
    assignment._history_user = actor
    assignment._change_reason = "people.assignment.ended"
    assignment.save(update_fields=["end_date"])
    return assignment


def password_reset_email_send(*, user_id: int) -> None:
    """E-mail a one-time password-reset link to an active account (Django's token, valid PASSWORD_RESET_TIMEOUT)."""

    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uidb64, "token": token})
    context = {
        "user": user,
        "reset_url": settings.SITE_URL.rstrip("/") + path,
        "organisation": settings.ORGANISATION_NAME,
    }
    send_mail(
        subject=f"Reset your {settings.ORGANISATION_NAME} Boundaries password",
        message=render_to_string("registration/password_reset_email.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


# The relationships register has one writer: these services. Filing a disclosure declares an entry,
# a case records its arrangement or its end, seed_demo declares the demo's entries.
@transaction.atomic
def relationship_declare(
    *,
    staff: StaffMember,
    counterpart: str,
    kind: str,
    began: str,
    service_user: ServiceUser | None = None,
    carer=None,
    colleague: StaffMember | None = None,
    partner_agency: str = "",
    declared_date: datetime.date | None = None,
    arrangement: str = "",
    next_review_date: datetime.date | None = None,
    actor=None,
    reason: str = "people.relationship.declared",
) -> Relationship:
    """Add a declared relationship to the register; with an agreed arrangement it is recorded as managed."""
    relationship = Relationship(
        staff=staff,
        counterpart=counterpart,
        kind=kind,
        began=began,
        service_user=service_user,
        carer=carer,
        colleague=colleague,
        partner_agency=partner_agency,
        declared_date=declared_date or timezone.localdate(),
        arrangement=arrangement,
        next_review_date=next_review_date,
        status=Relationship.Status.MANAGED if arrangement else Relationship.Status.DECLARED,
    )
    relationship._history_user = actor
    relationship._change_reason = reason
    relationship.full_clean()
    relationship.save()
    return relationship


@transaction.atomic
def relationship_record_arrangement(
    *, relationship: Relationship, arrangement: str, next_review_date: datetime.date, actor, reason: str
) -> Relationship:
    """The arrangement agreed for a declared relationship: the entry becomes "managed" (seed 002 §10.1–10.3).
    Between two workers who each declared the other, both entries get it: the pair is managed together."""
    relationship = Relationship.objects.select_for_update().get(pk=relationship.pk)
    mirror = relationship_mirror(relationship=relationship)
    for entry in [relationship, *([mirror] if mirror else [])]:
        entry.arrangement = arrangement
        entry.next_review_date = next_review_date
        entry.status = Relationship.Status.MANAGED
        entry._history_user = actor
        entry._change_reason = reason
        entry.save(update_fields=["arrangement", "next_review_date", "status"])
    return relationship


@transaction.atomic
def relationship_end(*, relationship: Relationship, actor, reason: str) -> Relationship:
    """The relationship has ended: it no longer needs an arrangement (for a pair of workers, both entries)."""
    relationship = Relationship.objects.select_for_update().get(pk=relationship.pk)
    mirror = relationship_mirror(relationship=relationship)
    for entry in [relationship, *([mirror] if mirror else [])]:
        entry.status = Relationship.Status.ENDED
        entry._history_user = actor
        entry._change_reason = reason
        entry.save(update_fields=["status"])
    return relationship
