"""Every way an account changes reaches people.signals.staff_changed, not only the staff page.

Unticking "Active" on an account (the admin's account page, an import, the shell) or taking away its
roles re-routes the cases that person reviews at once (cases listens to staff_changed). A receiver here
only notices the change and sends the signal; the work stays in the services of the app that listens.
Connected in PeopleConfig.ready().
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver
from simple_history.models import HistoricalRecords

from people.models import StaffMember
from people.signals import staff_changed

User = get_user_model()


def _actor():
    """Whoever made the change in this request, if there is a request (simple-history keeps it)."""
    user = getattr(getattr(HistoricalRecords.context, "request", None), "user", None)
    return user if user is not None and user.is_authenticated else None


def _staff_of(user) -> StaffMember | None:
    return StaffMember.objects.select_related("user").filter(user=user).first() if user.pk else None


@receiver(pre_save, sender=User, dispatch_uid="people.user_active_before")
def user_active_before(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance.pk is None or (update_fields is not None and "is_active" not in update_fields):
        return  # e.g. a log-in saving last_login: no extra query
    instance._was_active = User.objects.filter(pk=instance.pk).values_list("is_active", flat=True).first()


@receiver(post_save, sender=User, dispatch_uid="people.user_active_changed")
def user_active_changed(sender, instance, created=False, raw=False, update_fields=None, **kwargs):
    """The account was switched off (or on): whatever page or import did it, listeners follow."""
    if update_fields is not None and "is_active" not in update_fields:
        return
    was = getattr(instance, "_was_active", None)
    if raw or created or was is None or was == instance.is_active:
        return
    instance._was_active = instance.is_active
    staff = _staff_of(instance)
    if staff is not None:
        staff_changed.send(sender=StaffMember, staff=staff, actor=_actor(), changed=frozenset({"user_active"}))


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="people.user_roles_changed")
def user_roles_changed(sender, instance, action, reverse=False, pk_set=None, **kwargs):
    """Roles were taken away: someone who no longer reviews cases must not keep any. Looked at once the
    change is committed, because a form replacing one role by another removes before it adds."""
    if action not in ("post_remove", "post_clear"):
        return
    user_ids = [instance.pk] if not reverse else sorted(pk_set or [])
    actor = _actor()

    def send():
        for staff in StaffMember.objects.select_related("user").filter(user_id__in=user_ids):
            staff_changed.send(sender=StaffMember, staff=staff, actor=actor, changed=frozenset({"roles"}))

    transaction.on_commit(send)
