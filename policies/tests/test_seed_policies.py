"""How the five real policies in ../shared/seeds/ split into sections, checked in detail.

test_parsing.py holds the project's own fixture for each style; these tests pin what the parser
makes of the real documents, so a change that breaks one of them shows up. They skip when the
checkout does not sit beside ../shared/seeds/.
"""

import datetime
from pathlib import Path

import pytest

from policies.parsing import parse_policy

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


def parsed(prefix: str):
    found = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not found:
        pytest.skip(f"seed policy {prefix} is not beside the checkout ({SEEDS})")
    return parse_policy(found[0].read_bytes())


def numbers(policy) -> list[str]:
    return [s.number for s in policy.sections if s.number]


def by_number(policy, number: str):
    return next(s for s in policy.sections if s.number == number)


def test_seed_000_decimal_clauses_come_out_in_order_with_the_missing_dot_repaired():
    policy = parsed("000")
    found = numbers(policy)
    assert found[:5] == ["1", "1.1", "1.2", "1.3", "2"]
    assert found[-3:] == ["6", "6.1", "6.2"]
    assert len(found) == len(set(found))
    assert "3.6.1" in found and "3.61" not in found  # "3.61." in the document, under "3.6. Privacy"
    assert by_number(policy, "3.9").heading == "Touch – Physical Contact"
    assert by_number(policy, "4.1").heading == "Financial Relationships"
    assert by_number(policy, "2.2").text.startswith(
        "Line managers/shift leaders have the specific role of monitoring day-to-day team"
    )
    assert policy.warnings == ["Clause 3.61 follows 3.6: read as 3.6.1."]


def test_seed_001_is_split_on_its_capitalised_headings_only():
    policy = parsed("001")
    headings = [s.heading for s in policy.sections]
    assert not numbers(policy)
    assert headings[0] == "ASSURANCE STATEMENT" and headings[-1] == "TRAINING"
    assert {"DISCLOSURE", "MANAGING BOUNDARY ISSUES", "SEXUAL BOUNDARIES"} <= set(headings)
    assert len(policy.sections) == 21
    # Title-case lines inside a section ("Boundary" in DEFINITIONS) stay in its text.
    definitions = next(s for s in policy.sections if s.heading == "DEFINITIONS")
    assert definitions.text.startswith("Boundary\n\n- Defines the limits of behaviour")


def test_seed_002_numbered_headings_wrapped_headings_and_the_appendix():
    policy = parsed("002")
    found = numbers(policy)
    assert [n for n in found if "." not in n] == [str(n) for n in range(1, 22) if n != 12]  # 12 has no heading
    assert [n for n in found if n.startswith("10.1.")] == ["10.1.1", "10.1.2", "10.1.3", "10.1.4", "10.1.5", "10.1.6"]
    assert by_number(policy, "10").heading == (
        "Managing Identified Risk and Issues Regarding Close Personal Relationships between Workers"
    )
    assert by_number(policy, "10.1.6").text == "Re-deployment"
    assert policy.sections[-1].heading == "Appendix A"
    assert not any("bookmark" in s.text for s in policy.sections)
    # The document's own gaps are reported, not hidden.
    assert "Section 9.3 follows 9.1: a gap or a typo in the document's numbering." in policy.warnings


def test_seed_003_markdown_headings_and_the_version_metadata():
    policy = parsed("003")
    assert (policy.version_label, policy.approved_by) == ("1.1", "Board")
    assert policy.approved_date == datetime.date(2024, 7, 1)
    assert policy.next_review_date == datetime.date(2026, 7, 1)
    headings = [s.heading for s in policy.sections if s.heading]
    assert headings[0] == "Introduction" and headings[-1] == "MONITORING AND REVIEW"
    assert {"Befriending", "Touch – Physical Contact", "MANAGING BOUNDARY ISSUES"} <= set(headings)
    assert not any("**" in s.heading + s.text or "Version: 1.1" in s.text for s in policy.sections)


def test_seed_004_unacceptable_practices_1_1_to_1_13():
    policy = parsed("004")
    assert numbers(policy) == [f"1.{n}" for n in range(1, 14)]
    assert by_number(policy, "1.1").heading == "Sexual Contact"
    assert by_number(policy, "1.13").heading == "Social Media"
    assert by_number(policy, "1.11").heading == ""  # a clause, not a heading
    assert by_number(policy, "1.11").text.startswith("Staff can accompany service users to purchase alcohol")
    headings = [s.heading for s in policy.sections]
    assert {"Introduction", "Requirements", "Unacceptable Practices", "Leadership Team"} <= set(headings)
