from django import forms
from django.utils import timezone

from reporting.models import LessonReview
from reporting.periods import Quarter

QUARTERS_OFFERED = 8


def ended_quarters(count: int = QUARTERS_OFFERED) -> list[Quarter]:
    """The most recent quarters that have ended, newest first."""
    last = Quarter.containing(timezone.localdate()).previous()
    return [last, *reversed(last.previous_n(count - 1))]


class ReportRequestForm(forms.Form):
    period = forms.ChoiceField(label="Quarter")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(str(q), f"{q} ({q.label})") for q in ended_quarters()]

    def clean_period(self) -> Quarter:
        return Quarter.parse(self.cleaned_data["period"])


class LessonPeriodForm(forms.Form):
    period = forms.ChoiceField(label="Quarter", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(str(q), f"{q} ({q.label})") for q in ended_quarters()]

    def quarter(self) -> Quarter:
        if self.is_valid() and self.cleaned_data["period"]:
            return Quarter.parse(self.cleaned_data["period"])
        return ended_quarters(1)[0]


class LessonReviewForm(forms.Form):
    case = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=LessonReview.Decision.choices, widget=forms.RadioSelect, label="Decision")
    text = forms.CharField(
        label="Text to publish (only if you edit it)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
        help_text="Remove anything that could identify a person, a service or a place.",
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == LessonReview.Decision.EDITED and not (data.get("text") or "").strip():
            self.add_error("text", "Write the text to publish, or choose another decision.")
        return data
