"""The import's splitter on fixture files that reproduce each style found in ../shared/seeds/."""

import datetime
from pathlib import Path

import pytest

from policies.parsing import PolicyParseError, parse_date, parse_policy

FIXTURES = Path(__file__).parent / "fixtures"


def parse(name):
    return parse_policy((FIXTURES / name).read_bytes())


def by_number(parsed):
    return {s.number: s for s in parsed.sections if s.number}


def test_decimal_clauses_are_split_by_number_with_wrapped_lines_joined():
    """Seed 000 style: 1. / 1.1 / 3.1.2, hard-wrapped lines with blank lines between them, · bullets."""
    parsed = parse("decimal_clauses.txt")
    sections = by_number(parsed)
    assert list(sections)[:4] == ["1", "1.1", "2", "2.1"]
    assert sections["1"].heading == "Scope"
    assert sections["1.1"].text == "This document sets out our policy on professional boundaries with service users."
    assert sections["2.1"].heading == "Working with Service Users"
    assert sections["2.1.1"].text == (
        "Staff must never overstep professional boundaries and confuse befriending with friendship. "
        "Staff must be aware of the difference between:\n\n"
        "- Befriending a service user, and\n\n- Becoming a service user's friend."
    )


def test_stray_dots_and_numbering_typos_are_reported_not_fatal():
    parsed = parse("decimal_clauses.txt")
    assert "3" in by_number(parsed)  # ".3. Monitoring"
    assert any("stray dot" in w for w in parsed.warnings)
    assert any("2.21" in w for w in parsed.warnings)


def test_a_missing_dot_in_a_clause_number_is_read_as_the_subclause():
    """Seed 000 has "3.6. Privacy" then "3.61. Staff must …": read as 3.6.1."""
    parsed = parse_policy("3.6. Privacy\n3.61.  Staff must respect privacy.\n3.7 Other\n3.7.1 Text here.\n")
    assert by_number(parsed)["3.6.1"].text == "Staff must respect privacy."
    assert any("read as 3.6.1" in w for w in parsed.warnings)


def test_numbered_headings_become_headings_and_unnumbered_capitalised_lines_too():
    """Seed 004 style: "1.1 Sexual Contact", "1.2. Acceptance of Gifts", unnumbered "Introduction", • bullets."""
    parsed = parse("numbered_headings.txt")
    sections = by_number(parsed)
    assert sections["1.1"].heading == "Sexual Contact"
    assert sections["1.1"].text == "- Sexual acts\n\n- Requests for sexual acts"
    assert sections["1.2"].heading == "Acceptance of Gifts"
    assert sections["1.2"].text.startswith(
        "Staff must not accept personal gifts or cash from service users which may be"
    )
    headings = [s.heading for s in parsed.sections if not s.number]
    assert "Introduction" in headings and "Unacceptable Practices" in headings


def test_markdown_headings_with_bold_and_metadata_lines():
    """Seed 003 style: ## **Heading**, nested bullets, a page break mid-sentence, version lines mid-text."""
    parsed = parse("markdown_headings.md")
    headings = [s.heading for s in parsed.sections]
    assert headings == ["", "Introduction", "Befriending", "MANAGING BOUNDARY ISSUES"]
    managing = parsed.sections[-1]
    assert managing.text.startswith(
        "Staff should seek the guidance of their line manager when they are unsure about a relationship developing"
    )
    assert "Version" not in managing.text and "**" not in managing.text
    assert parsed.version_label == "1.1"
    assert parsed.approved_by == "Board"
    assert parsed.approved_date == datetime.date(2024, 7, 1)
    assert parsed.next_review_date == datetime.date(2026, 7, 1)


def test_unnumbered_capitalised_headings_split_the_document():
    """Seed 001 style: DISCLOSURE, MANAGING BOUNDARY ISSUES; "- " and "·" bullets."""
    parsed = parse("capitalised_headings.txt")
    assert [s.heading for s in parsed.sections] == [
        "ASSURANCE STATEMENT",
        "SCOPE",
        "DISCLOSURE",
        "MANAGING BOUNDARY ISSUES",
    ]
    assert parsed.sections[2].text.count("- ") == 2
    assert parsed.sections[1].anchor == "s-scope"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("no_structure.txt", "No sections found"),
        ("binary.pdf.txt", "PDF or Word"),
    ],
)
def test_a_file_without_structure_gets_a_clear_error(name, message):
    with pytest.raises(PolicyParseError, match=message):
        parse(name)


def test_an_empty_file_gets_a_clear_error():
    with pytest.raises(PolicyParseError, match="empty"):
        parse_policy(b"   \n\n ")


def test_uk_dates_as_policies_write_them():
    assert parse_date("18/08/22") == datetime.date(2022, 8, 18)
    assert parse_date("18 August 2022") == datetime.date(2022, 8, 18)
    assert parse_date("July 2026") == datetime.date(2026, 7, 1)
    assert parse_date("next year") is None


@pytest.mark.parametrize("seed", sorted((Path(__file__).resolve().parents[3] / "shared" / "seeds").glob("*.txt")))
def test_every_seed_policy_splits_into_sections(seed):
    """The five real policies (../shared/seeds/), when the checkout sits beside them."""
    parsed = parse_policy(seed.read_bytes())
    assert len(parsed.sections) >= 20
