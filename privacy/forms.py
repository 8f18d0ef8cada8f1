from django import forms

from core.forms import StyledFormMixin


class RevealForm(StyledFormMixin, forms.Form):
    required_messages = {"reason": "Say why you need to know who it was"}

    reason = forms.CharField(
        label="Why you need to know who it was",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example a subject access request or an investigation, with its reference. The speak-up "
        "guardian is told that you looked, and your reason is kept in the audit trail.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
