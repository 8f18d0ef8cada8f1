from django import forms

from core.dates import DateKind
from core.forms import LINE_MAX, BoundedDateField
from policies.models import PolicyVersion

MAX_IMPORT_BYTES = 2 * 1024 * 1024
ALLOWED_SUFFIXES = (".txt", ".md", ".markdown", ".text")


class PolicyImportForm(forms.Form):
    title = forms.CharField(
        max_length=LINE_MAX, help_text="A new title starts a new policy; an existing one adds a version."
    )
    file = forms.FileField(
        label="Policy document",
        help_text="Plain text (.txt) or Markdown (.md), up to 2 MB. Save Word or PDF documents as plain text first.",
    )
    label = forms.CharField(
        label="Version", max_length=20, required=False, help_text="Leave blank to use the document's own, e.g. 1.1."
    )
    approved_by = forms.CharField(max_length=LINE_MAX, required=False, help_text="For example, the Board.")
    approved_date = BoundedDateField(
        kind=DateKind.PAST, what="The approval date", required=False, help_text="For example, 18/08/2026."
    )
    # ANY: an older version imported for the record may have a review date that has passed.
    next_review_date = BoundedDateField(
        kind=DateKind.ANY, what="The next review date", required=False, help_text="For example, 18/08/2027."
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError("The file is larger than 2 MB. Is it really a plain-text policy?")
        if not upload.name.lower().endswith(ALLOWED_SUFFIXES):
            raise forms.ValidationError("Choose a plain-text (.txt) or Markdown (.md) file.")
        return upload


class AcknowledgeForm(forms.Form):
    confirm = forms.BooleanField(
        label="I have read and understood this policy",
        error_messages={"required": "Tick the box to confirm that you have read and understood the policy."},
    )


class CompareForm(forms.Form):
    """Which two versions to compare; choices are the versions the user may see."""

    old = forms.TypedChoiceField(label="Earlier version", coerce=int)
    new = forms.TypedChoiceField(label="Later version", coerce=int)

    def __init__(self, *args, versions: list[PolicyVersion], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(v.pk, f"Version {v.label} ({v.get_status_display().lower()})") for v in versions]
        self.fields["old"].choices = choices
        self.fields["new"].choices = choices
