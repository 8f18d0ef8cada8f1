"""cases follows changes in people through people.signals (people never imports cases).

Connected in CasesConfig.ready(). Business logic stays in cases.services: a receiver only calls it.
"""

from django.dispatch import receiver

from people.signals import staff_changed


@receiver(staff_changed, dispatch_uid="cases.reroute_on_staff_changed")
def reroute_on_staff_changed(
    sender, *, staff, actor=None, changed=frozenset(), previous_line_manager_id=None, **kwargs
):
    """A reviewer left or line management changed: re-route the open cases that depended on it (DESIGN §5)."""
    from cases.services import cases_reroute_for

    actor = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    cases_reroute_for(
        staff=staff,
        actor=actor,
        previous_line_manager_id=previous_line_manager_id if "line_manager" in changed else None,
    )
