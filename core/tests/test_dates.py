"""The one rule for dates typed in (core.dates) and the length limit of every text field (core.forms).

IN-01: values no honest answer has (31/12/9999, 1/1/0001, a megabyte of text) get a clear message in the
field's own words instead of being stored or breaking a page.
"""

import datetime

import pytest
from django import forms
from django.db.models import Q

from core.dates import DateKind, date_bounds, date_problem, latest_ahead
from core.forms import LINE_MAX, PARAGRAPH_MAX, BoundedDateField, StyledFormMixin

TODAY = datetime.date(2026, 11, 29)


@pytest.mark.parametrize(
    ("kind", "value", "problem"),
    [
        (DateKind.PAST, TODAY, None),
        (DateKind.PAST, datetime.date(1900, 1, 1), None),
        (DateKind.PAST, TODAY + datetime.timedelta(days=1), "The date it happened cannot be in the future."),
        (DateKind.PAST, datetime.date(1899, 12, 31), "The date it happened cannot be before 1 January 1900."),
        (DateKind.FUTURE, TODAY, None),
        (DateKind.FUTURE, datetime.date(2031, 11, 29), None),
        (DateKind.FUTURE, TODAY - datetime.timedelta(days=1), "The date it happened cannot be in the past."),
        (
            DateKind.FUTURE,
            datetime.date(9999, 12, 31),
            "The date it happened cannot be more than 5 years ahead: 29 November 2031 at the latest.",
        ),
        (DateKind.ANY, datetime.date(2001, 5, 1), None),
        (DateKind.ANY, datetime.date(1, 1, 1), "The date it happened cannot be before 1 January 1900."),
        (DateKind.ANY, datetime.date(2031, 11, 30), "The date it happened cannot be more than 5 years ahead: "
                                                    "29 November 2031 at the latest."),
    ],
)  # fmt: skip
def test_each_kind_of_date_has_its_bounds(kind, value, problem):
    assert date_problem(value, kind=kind, what="The date it happened", today=TODAY) == problem


def test_five_years_from_the_29th_of_february_is_the_28th():
    assert latest_ahead(datetime.date(2028, 2, 29)) == datetime.date(2033, 2, 28)
    assert date_bounds(DateKind.FUTURE, datetime.date(2028, 2, 29))[1] == datetime.date(2033, 2, 28)


class _Form(StyledFormMixin, forms.Form):
    review = BoundedDateField(kind=DateKind.FUTURE, label="Next review date", required=False)
    when = BoundedDateField(kind=DateKind.PAST, what="The date they were told", label="When", required=False)
    place = forms.CharField(label="Where did it happen?", required=False)
    reason = forms.CharField(label="Why", required=False, widget=forms.Textarea)
    narrative = forms.CharField(label="In your own words", required=False, max_length=20, widget=forms.Textarea)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


def test_a_date_field_says_what_is_wrong_in_its_own_words():
    form = _Form({"review": "9999-12-31", "when": "2999-01-01"})
    assert not form.is_valid()
    assert form.errors["review"][0].startswith("“Next review date” cannot be more than 5 years ahead")
    assert form.errors["when"] == ["The date they were told cannot be in the future."]


def test_every_text_field_has_a_length_limit_with_a_clear_message():
    form = _Form({"place": "x" * (LINE_MAX + 1), "reason": "y" * (PARAGRAPH_MAX + 1), "narrative": "z" * 21})
    assert not form.is_valid()
    assert form.errors["place"] == [f"“Where did it happen” can be at most {LINE_MAX} characters long; it has "
                                    f"{LINE_MAX + 1}. Shorten it."]  # fmt: skip
    assert form.errors["reason"][0].startswith(f"“Why” can be at most {PARAGRAPH_MAX} characters long")
    assert form.errors["narrative"][0].startswith("“In your own words” can be at most 20 characters long")
    # A single line stops at its limit in the browser; a text area is told by the server, never cut short.
    assert form.fields["place"].widget.attrs["maxlength"] == str(LINE_MAX)
    assert "maxlength" not in form.fields["reason"].widget.attrs
    assert "maxlength" not in form.fields["narrative"].widget.attrs
    assert _Form({"place": "x" * LINE_MAX, "reason": "y" * PARAGRAPH_MAX, "narrative": "z" * 20}).is_valid()


@pytest.mark.django_db
@pytest.mark.parametrize("value", [2**63, -(2**63) - 1, 10**40])
def test_an_id_no_database_can_hold_matches_no_row_in_a_list(value):
    """IN-01: `pk__in` with a number beyond 64 bits raised OverflowError on SQLite (a server error from a
    people picker); like Django's own `pk=…`, it now matches nothing, and the other ids still match."""
    from django.contrib.auth.models import Group

    group = Group.objects.create(name="Readers")
    assert list(Group.objects.filter(pk__in=[value])) == []
    assert list(Group.objects.filter(pk__in=[str(value), group.pk])) == [group]
    assert list(Group.objects.filter(Q(pk__in=[value]) | Q(name="Readers"))) == [group]


class _Unstyled(StyledFormMixin, forms.Form):
    """A form that forgot to call _style(): its text still has a limit."""

    note = forms.CharField(label="Note", required=False, widget=forms.Textarea)


def test_a_form_that_never_styled_its_fields_still_limits_their_length():
    form = _Unstyled({"note": "n" * (PARAGRAPH_MAX + 1)})
    assert not form.is_valid()
    assert form.errors["note"][0].startswith(f"“Note” can be at most {PARAGRAPH_MAX} characters long")
