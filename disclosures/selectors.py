"""Which disclosures a user may see. Every list, detail and download starts here."""

from django.db.models import QuerySet

from disclosures.models import Disclosure


def disclosure_list_for(user) -> QuerySet[Disclosure]:
    """A worker's own disclosures, drafts included; nobody else's, whatever their role (DESIGN §6)."""
    if not user.is_authenticated or not hasattr(user, "staff"):
        return Disclosure.objects.none()
    return (
        Disclosure.objects.filter(reporter__user=user).select_related("category", "case").order_by("-created_at", "-pk")
    )
