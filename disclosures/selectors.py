"""Which disclosures a user may see. Every list, detail and download starts here."""

from collections import defaultdict

from django.db.models import Q, QuerySet

from audit.models import AuditEvent
from disclosures.models import Attachment, Disclosure, FollowUp


def disclosure_list_for(user) -> QuerySet[Disclosure]:
    """A worker's own disclosures, drafts included; nobody else's, whatever their role (DESIGN §6)."""
    if not user.is_authenticated or not hasattr(user, "staff"):
        return Disclosure.objects.none()
    return (
        Disclosure.objects.filter(reporter__user=user).select_related("category", "case").order_by("-created_at", "-pk")
    )


def speak_up_reporter_events() -> Q | None:
    """Audit events caused by the person who raised a speak-up concern about it (DESIGN §6: only the
    speak-up guardian sees who raised it), as a Q over audit.AuditEvent for audit.selectors' hidden actors.

    An event is theirs when its actor is the reporter and its object is the speak-up disclosure, its
    case, a follow-up or an attachment of it; or when the reporter caused it in the same request as such
    an event (so that following a request id does not give them away).
    """
    objects: dict[int, Q] = defaultdict(Q)
    rows = Disclosure.objects.filter(speak_up=True).values_list("pk", "case_id", "reporter__user_id")
    for pk, case_id, user_id in rows:
        objects[user_id] |= Q(object_type="disclosures.disclosure", object_id=str(pk))
        if case_id is not None:
            objects[user_id] |= Q(object_type="cases.case", object_id=str(case_id))
    for model in (FollowUp, Attachment):
        label = model._meta.label_lower
        for pk, user_id in model.objects.filter(disclosure__speak_up=True).values_list(
            "pk", "disclosure__reporter__user_id"
        ):
            objects[user_id] |= Q(object_type=label, object_id=str(pk))
    if not objects:
        return None
    theirs = Q()
    for user_id, about in objects.items():
        theirs |= Q(actor_id=user_id) & about
    same_request = AuditEvent.objects.filter(theirs).exclude(request_id="").values("request_id")
    return theirs | Q(actor_id__in=list(objects), request_id__in=same_request)
