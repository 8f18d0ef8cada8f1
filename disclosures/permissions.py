"""Yes/no questions about disclosures. Visibility itself is decided by disclosures.selectors."""

from disclosures.models import Disclosure


def _is_reporter(user, disclosure: Disclosure) -> bool:
    staff = getattr(user, "staff", None) if user.is_authenticated else None
    return staff is not None and staff.pk == disclosure.reporter_id and staff.is_active


def can_file_disclosure(user) -> bool:
    """Anyone with an active staff record may file (seed 002 §3–4: every kind of worker)."""
    if not user.is_authenticated or not user.is_active:
        return False
    staff = getattr(user, "staff", None)
    return staff is not None and staff.is_active


def can_edit_disclosure(user, disclosure: Disclosure) -> bool:
    """Only a draft can be edited, and only by the worker writing it."""
    return disclosure.is_draft and _is_reporter(user, disclosure)


def can_add_followup(user, disclosure: Disclosure) -> bool:
    """The worker who filed a submitted disclosure may add to it."""
    return not disclosure.is_draft and _is_reporter(user, disclosure)


def can_add_attachment(user, disclosure: Disclosure) -> bool:
    """The worker who filed (or is drafting) a disclosure may attach files to it."""
    return _is_reporter(user, disclosure)
