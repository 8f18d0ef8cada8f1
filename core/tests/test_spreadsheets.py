"""spreadsheet_safe: text a spreadsheet would run as a formula gets a leading quote (CSV injection)."""

import pytest

from core.spreadsheets import spreadsheet_safe


@pytest.mark.parametrize("value", ["=1+1", "+44 20", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_text_starting_like_a_formula_is_quoted(value):
    assert spreadsheet_safe(value) == "'" + value


@pytest.mark.parametrize("value", ["Amira Khan", "", 3, None, "a=b"])
def test_anything_else_is_left_alone(value):
    assert spreadsheet_safe(value) == value
