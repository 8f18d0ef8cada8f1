"""The forms for placing and lifting a legal hold: what is held is named by its reference only."""

import datetime

from django import forms
from django.utils import timezone

from cases.models import Case
from core.forms import StyledFormMixin
from people.models import ServiceUser, StaffMember


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class LegalHoldForm(StyledFormMixin, forms.Form):
    ON_CHOICES = [
        ("case", "A case"),
        ("staff", "A member of staff (every case about them, and their record)"),
        ("service_user", "A service user (every case about them or their family, and their record)"),
    ]
    required_messages = {
        "on": "Choose what to hold",
        "reference": "Enter the reference of the case or person",
        "reason": "Say why the records must be kept",
        "review_date": "Enter the date to review the hold",
    }

    on = forms.ChoiceField(label="What to hold", choices=ON_CHOICES, widget=forms.RadioSelect)
    reference = forms.CharField(
        label="Reference",
        max_length=40,
        help_text="The case reference (for example C-2026-00042), the staff number, or the service user's reference.",
    )
    reason = forms.CharField(
        label="Why the records must be kept",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "For example a claim, an inquiry, a police request, or a person's pension age. Do not write case details."
        ),
    )
    review_date = forms.DateField(
        label="Review the hold on",
        widget=DateInput,
        help_text="The day the hold comes up for review, to lift it or keep it.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.target = None
        self._style()

    def clean_review_date(self):
        value = self.cleaned_data["review_date"]
        if value <= timezone.localdate():
            raise forms.ValidationError("The review date must be in the future.")
        if value > timezone.localdate() + datetime.timedelta(days=366 * 50):
            raise forms.ValidationError("Choose a review date within 50 years.")
        return value

    def clean(self):
        cleaned = super().clean()
        on, reference = cleaned.get("on"), (cleaned.get("reference") or "").strip()
        if not on or not reference:
            return cleaned
        lookups = {
            "case": (Case, "reference", "There is no case with that reference."),
            "staff": (StaffMember, "staff_number", "There is no member of staff with that staff number."),
            "service_user": (ServiceUser, "reference", "There is no service user with that reference."),
        }
        model, column, missing = lookups[on]
        self.target = model.objects.filter(**{f"{column}__iexact": reference}).first()
        if self.target is None:
            self.add_error("reference", missing)
        return cleaned

    def target_kwargs(self) -> dict:
        return {self.cleaned_data["on"]: self.target}


class LegalHoldLiftForm(StyledFormMixin, forms.Form):
    required_messages = {"reason": "Say why the hold can be lifted"}

    reason = forms.CharField(label="Why the hold can be lifted", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
