"""Which case pages the crawl adds for each persona: one per status among the cases they may see."""

from django.contrib.auth import get_user_model

from cases.models import Case
from cases.selectors import case_list_for


def case_keys() -> dict[str, str]:
    return {f"/cases/{pk}/": f"/cases/{{n}}/ {status}" for pk, status in Case.objects.values_list("pk", "status")}


def case_pages_for(username: str) -> list[str]:
    user = get_user_model().objects.get(username=username)
    first = {}
    for pk, status in case_list_for(user).order_by("pk").values_list("pk", "status"):
        first.setdefault(status, pk)
    return [f"/cases/{pk}/" for pk in first.values()]
