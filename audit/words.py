"""An audit event's stored codes in words for the auditor's page; the codes stay beside them, since
they are what the filters and the CSV export use."""

from django.apps import apps

# Words for the parts of a code that are abbreviations or internal names.
_WORDS = {
    "sar": "subject-access copy",
    "mfa": "second factor",
    "sso": "single sign-on",
    "hr": "HR",
    "csv": "CSV",
    "pdf": "PDF",
    "totp": "authenticator app",
    "outbox": "e-mail",
}


def _words(part: str) -> str:
    return " ".join(_WORDS.get(word, word) for word in part.split("_"))


def action_words(code: str) -> str:
    """ "cases.case.opened" → "Case opened"; "privacy.sar.record_viewed" → "Subject-access copy record viewed"."""
    parts = [p for p in (code or "").split(".") if p]
    if not parts:
        return ""
    text = " ".join(_words(p) for p in (parts[-2:] if len(parts) >= 3 else parts))
    return text[:1].upper() + text[1:]


def object_words(label: str) -> str:
    """ "cases.case" → "case": the model's own name; an unknown label in words."""
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return _words((label or "").rpartition(".")[2])
