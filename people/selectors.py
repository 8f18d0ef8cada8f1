import re

from django.db.models import Q, QuerySet

from people.models import ProcessingRestriction, Relationship, ServiceUser, StaffMember


def staff_for(user) -> StaffMember | None:
    """The signed-in user's staff record when it is active (StaffMember.is_active_on), else None."""
    staff = getattr(user, "staff", None) if user is not None and user.is_authenticated else None
    if staff is None or not staff.is_active_on():
        return None
    return staff


def staff_managers_above(*, staff: StaffMember) -> list[StaffMember]:
    """The line-management chain above a worker, nearest first."""
    chain: list[StaffMember] = []
    seen = {staff.pk}
    current = staff
    while current.line_manager_id and current.line_manager_id not in seen:
        current = StaffMember.objects.select_related("user", "team").get(pk=current.line_manager_id)
        seen.add(current.pk)
        chain.append(current)
    return chain


def staff_reports_below(*, manager: StaffMember) -> QuerySet[StaffMember]:
    """Everyone below a manager in the line-management chain, at any depth (one query per level)."""
    found: set[int] = set()
    level = {manager.pk}
    while level:
        level = set(StaffMember.objects.filter(line_manager__in=level).values_list("pk", flat=True)) - found
        level.discard(manager.pk)
        found |= level
    return StaffMember.objects.filter(pk__in=found).select_related("user", "team")


def relationship_open_list(*, staff: StaffMember) -> QuerySet[Relationship]:
    """A worker's relationships that are declared or managed, not ended."""
    return Relationship.objects.filter(staff=staff, status__in=Relationship.OPEN_STATUSES)


def relationship_blocking_assignment(*, staff: StaffMember, service_user: ServiceUser) -> Relationship | None:
    """An open relationship of this worker with the service user or one of their carers, if any."""
    return (
        relationship_open_list(staff=staff)
        .filter(Q(service_user=service_user) | Q(carer__service_user=service_user))
        .first()
    )


def relationship_mirror(*, relationship: Relationship) -> Relationship | None:
    """For a relationship between two workers, the other worker's open declaration of the same relationship
    (each declared the other): the register shows and manages the two as one entry for the pair."""
    if relationship.counterpart != Relationship.Counterpart.COLLEAGUE or relationship.colleague_id is None:
        return None
    return (
        Relationship.objects.filter(
            counterpart=Relationship.Counterpart.COLLEAGUE,
            staff_id=relationship.colleague_id,
            colleague_id=relationship.staff_id,
            status__in=Relationship.OPEN_STATUSES,
        )
        .exclude(pk=relationship.pk)
        .order_by("pk")
        .first()
    )


_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


def _words(text: str) -> str:
    """The text as lower-case words separated by single spaces, padded: " sam o'neil said "."""
    return " " + " ".join(_WORD.findall(text.casefold())) + " "


def staff_named_in(*, text: str, exclude: set[int] = frozenset()) -> list[str]:
    """The full names of staff that appear in the text as whole words, in the order of the text.

    For a check before text reaches someone who must not learn who did what (a subject notice,
    DESIGN §6): it asks about *every* member of staff, past or present, so its answer says nothing
    about which of them played which part. Names, never usernames ("worker" is a word, not a
    person); first and last name together, so a lone "Reed" or "Sam" is not taken for a person.
    """
    haystack = _words(text)
    found: dict[str, int] = {}
    names = StaffMember.objects.exclude(pk__in=exclude).values_list("user__first_name", "user__last_name")
    for first, last in names.iterator(chunk_size=2000):
        name = _words(f"{first} {last}")
        if len(name.split()) < 2:
            continue
        position = haystack.find(name)
        if position >= 0:
            found.setdefault(f"{first} {last}".strip(), position)
    return sorted(found, key=found.get)


def restricted_people(*, staff_ids=(), service_user_ids=(), carer_ids=()) -> bool:
    """Whether any of these people's records are restricted now (UK GDPR Article 18, a restriction granted by
    the data protection officer and not lifted): the one rule the restriction banner follows."""
    q = Q(pk__in=[])
    if staff_ids:
        q |= Q(staff_id__in=list(staff_ids))
    if service_user_ids:
        q |= Q(service_user_id__in=list(service_user_ids))
    if carer_ids:
        q |= Q(carer_id__in=list(carer_ids))
    return ProcessingRestriction.objects.active().filter(q).exists()
