"""Yes/no questions about disclosures. Visibility itself is decided by disclosures.selectors."""

from people.selectors import staff_for


def can_file_disclosure(user) -> bool:
    """Anyone with an active staff record may file (seed 002 §3–4: every kind of worker)."""
    return staff_for(user) is not None
