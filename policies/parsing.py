"""Split a policy document (plain text or Markdown) into sections by its own numbering.

Pure functions, no database: policies.services.policy_version_import calls parse_policy() and
writes nothing when it raises PolicyParseError.

The real documents in ../shared/seeds/ mix several styles, so a section starts at any of:

- a Markdown heading, with or without bold: ``## **Introduction**``, ``### 4.3 Gifts``;
- a decimal clause or numbered heading: ``3.1.2  Staff must…``, ``1.1 Sexual Contact``,
  ``3.4. Influence``, ``10.    Managing…`` (also indented, or with a stray leading dot, ``.5.2``);
- an unnumbered heading line: ALL CAPITALS (``DISCLOSURE``, ``MANAGING BOUNDARY ISSUES``), or a
  short capitalised line standing alone (``Befriending``, ``Discussing others``), or
  ``Appendix A``. When a document uses three or more ALL-CAPITALS headings, only those count,
  so its Title-case sub-headings stay inside the text. Documents with Markdown headings use
  only those and their numbers.

Inside a section, hard-wrapped lines are joined into paragraphs (also across the blank lines
some word processors leave between wrapped lines), bullets in any of several characters become
``- `` items, bold markers and stray spacing are removed. The text that comes out is the
small, safe format that templatetags/policy_text.py renders: paragraphs separated by a blank
line, bullet items starting with ``- ``.

Lines such as ``Version: 1.1``, ``Date approved by Board: July 2024`` and
``Date of next review: July 2026`` (seed 003) are taken out of the text as metadata.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.utils.text import slugify


class PolicyParseError(ValueError):
    """The document could not be made sense of; nothing should be created."""


@dataclass
class ParsedSection:
    number: str
    heading: str
    text: str
    anchor: str = ""


@dataclass
class ParsedPolicy:
    sections: list[ParsedSection]
    version_label: str = ""
    approved_by: str = ""
    approved_date: datetime.date | None = None
    next_review_date: datetime.date | None = None
    warnings: list[str] = field(default_factory=list)


MAX_HEADING_WORDS = 14
BULLET_CHARS = "·•●▪◦‣○■□–—*-\uf0b7"
_BULLET = re.compile(rf"^\s*(?:[{re.escape(BULLET_CHARS)}]|o(?=\s))\s+(?P<text>.*)$")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(?P<text>.+?)\s*#*\s*$")
# "3.1.2 Text", "3.4. Text", "10.    Text", ".5.2 Text", "1.11." – a single integer needs its dot ("9."),
# so that a wrapped line starting with a year or an amount is not taken for a clause.
_NUMBERED = re.compile(r"^\s*\.?(?P<number>\d{1,3}(?:\.\d{1,3}){1,4}|\d{1,3}(?=\.))\.?(?:\s+(?P<text>.*))?$")
_APPENDIX = re.compile(r"^(appendix|annex|schedule)\s+[a-z0-9]{1,3}\b.*$", re.IGNORECASE)
_PANDOC_JUNK = re.compile(r"^\s*\[bookmark:[^\]]*\]\s*$")
_META_VERSION = re.compile(
    r"^(?:policy\s+)?version(?:\s+(?:number|no\.?))?\s*[:\-]\s*(?P<value>v?\d+(?:\.\d+)*)\s*$", re.I
)
_META_APPROVED = re.compile(
    r"^(?:date\s+)?approved(?:\s+by\s+(?P<by>[^:]+?))?(?:\s+on)?\s*:\s*(?P<value>.+)$|"
    r"^date\s+approved(?:\s+by\s+(?P<by2>[^:]+?))?\s*:\s*(?P<value2>.+)$",
    re.I,
)
_META_REVIEW = re.compile(
    r"^(?:date\s+of\s+)?next\s+review(?:\s+date)?\s*:\s*(?P<value>.+)$|^review\s+date\s*:\s*(?P<value2>.+)$", re.I
)
_TERMINAL = ".:;!?,"
_SMALL_WORDS = {
    "a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the", "to", "with",
    "within", "between", "about", "which", "who", "are", "not", "be", "is", "its", "their", "your",
}  # fmt: skip
_JOINING_WORDS = _SMALL_WORDS | {"these", "this", "that", "than", "our", "his", "her", "each", "any"}


def _clean(line: str) -> str:
    line = line.replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "")
    line = line.expandtabs(4).rstrip()
    line = line.replace("**", "").replace("__", "")
    return line


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z][\w'’/-]*", text)


def _is_all_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters)


def _is_titleish(text: str) -> bool:
    words = _words(text)
    if not words or not text[0].isupper():
        return False
    significant = [w for w in words[1:] if w.lower() not in _SMALL_WORDS]
    if len(words) <= 3:
        return True
    capitalised = sum(1 for w in significant if w[0].isupper())
    return bool(significant) and capitalised * 2 >= len(significant)


def _looks_like_heading_text(text: str) -> bool:
    text = text.strip()
    return bool(text) and len(_words(text)) <= MAX_HEADING_WORDS and len(text) <= 120 and text[-1] not in _TERMINAL


def parse_date(value: str) -> datetime.date | None:
    """UK-style dates as policies write them: 18/08/22, 18/08/2022, 18 August 2022, July 2024, 2024-07-01.
    A month and year means the first of that month."""
    value = value.strip().rstrip(".")
    for fmt in ("%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%B %Y", "%b %Y"):
        try:
            return datetime.datetime.strptime(value, fmt).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    return None


def _next_nonblank(lines: list[str], index: int) -> str | None:
    for line in lines[index + 1 :]:
        if line.strip():
            return line
    return None


def _decode(raw: bytes | str) -> str:
    if isinstance(raw, str):
        return raw
    if b"\x00" in raw[:4096] or raw[:4] in (b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0"):
        raise PolicyParseError(
            "This looks like a PDF or Word file. Save the policy as plain text (.txt) or Markdown (.md) and try again."
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Older Windows exports; every byte decodes, so this never fails.
        return raw.decode("cp1252", errors="replace")


def parse_policy(raw: bytes | str) -> ParsedPolicy:
    """Parse a whole document; raise PolicyParseError when it has no structure to split on."""
    text = _decode(raw).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise PolicyParseError("The file is empty.")
    lines = [_clean(line) for line in text.split("\n")]
    warnings: list[str] = []
    parsed = ParsedPolicy(sections=[], warnings=warnings)

    # Metadata lines come out of the text wherever they are (seed 003 has them mid-section).
    kept: list[str] = []
    for line in lines:
        stripped = line.strip()
        if _PANDOC_JUNK.match(stripped):
            warnings.append(f"Removed a conversion left-over: “{stripped}”.")
            continue
        if m := _META_VERSION.match(stripped):
            parsed.version_label = m["value"].lstrip("vV")
            continue
        if m := _META_APPROVED.match(stripped):
            value, by = m["value"] or m["value2"], m["by"] or m["by2"] or ""
            if (date := parse_date(value)) is not None:
                parsed.approved_date, parsed.approved_by = date, by.strip()
                continue
        if (m := _META_REVIEW.match(stripped)) and (date := parse_date(m["value"] or m["value2"])) is not None:
            parsed.next_review_date = date
            continue
        kept.append(line)
    lines = kept

    has_markdown = sum(1 for line in lines if _MD_HEADING.match(line)) >= 2
    caps_headings = sum(
        1
        for i, line in enumerate(lines)
        if _is_all_caps(line)
        and _looks_like_heading_text(line)
        and not _BULLET.match(line)
        and not _NUMBERED.match(line)
    )
    caps_only = caps_headings >= 3

    starts: list[tuple[int, str, str, bool]] = []  # (line index, number, heading or first text, heading?)
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if has_markdown and (m := _MD_HEADING.match(line)):
            heading = m["text"].strip()
            if n := _NUMBERED.match(heading):
                starts.append((i, n["number"], (n["text"] or "").strip(), True))
            else:
                starts.append((i, "", heading, True))
            continue
        if _BULLET.match(line) and not _NUMBERED.match(line):
            continue
        if m := _NUMBERED.match(line):
            number, rest = m["number"], (m["text"] or "").strip()
            if line.lstrip().startswith("."):
                warnings.append(f"Clause {number} had a stray dot before its number.")
            previous_number = next((s[1] for s in reversed(starts) if s[1]), "")
            if previous_number and number == previous_number + number[-1] and len(number.split(".")[-1]) == 2:
                # "3.6. Privacy" then "3.61. Staff must…" (seed 000): a missing dot, read as 3.6.1.
                warnings.append(f"Clause {number} follows {previous_number}: read as {previous_number}.{number[-1]}.")
                number = f"{previous_number}.{number[-1]}"
            following = _next_nonblank(lines, i)
            # A lowercase next line continues a wrapped clause, unless it is a short tail of a wrapped heading.
            continues = (
                following is not None
                and following.strip()[:1].islower()
                and not ("." not in number and len(_words(following)) <= 6)
            )
            is_heading = (
                _looks_like_heading_text(rest)
                and not continues
                and ("." not in number or _is_titleish(rest))
                and not rest.endswith("-")
            )
            starts.append((i, number, rest, is_heading))
            continue
        if has_markdown:
            continue
        indent = len(line) - len(line.lstrip())
        if indent > 1 or not _looks_like_heading_text(stripped) or not stripped[0].isupper():
            continue
        previous = lines[i - 1].strip() if i else ""
        if _APPENDIX.match(stripped) or _is_all_caps(stripped):
            starts.append((i, "", stripped, True))
        elif (
            not caps_only
            and not previous
            and (
                _is_titleish(stripped)
                or (len(_words(stripped)) <= 10 and i + 1 < len(lines) and not lines[i + 1].strip())
            )
        ):
            following = _next_nonblank(lines, i)
            if following is not None and following.strip()[:1].islower():
                continue
            starts.append((i, "", stripped, True))

    if not starts:
        raise PolicyParseError(
            "No sections found: the file has no numbered clauses (like 3.1.2), numbered or Markdown headings, "
            "or capitalised headings to split on."
        )

    sections: list[ParsedSection] = []
    preamble = _paragraphs(lines[: starts[0][0]])
    if preamble:
        sections.append(ParsedSection(number="", heading="", text=preamble))
    for k, (index, number, first, is_heading) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        body = lines[index + 1 : end]
        heading = first if is_heading else ""
        if is_heading and body and body[0].strip() and body[0].strip()[:1].islower() and len(_words(body[0])) <= 6:
            # A heading wrapped onto a second line ("10. Managing … Relationships / between Workers.").
            heading = f"{heading} {body[0].strip().rstrip('.')}"
            body = body[1:]
        if not is_heading and first:
            body = [first, *body]
        sections.append(ParsedSection(number=number, heading=_squash(heading), text=_paragraphs(body)))

    _fold_childless_headings(sections)
    _check_numbering(sections, warnings)
    _assign_anchors(sections, warnings)
    if len([s for s in sections if s.number or s.heading]) < 2:
        raise PolicyParseError(
            "Only one section was found, so the file could not be split. Check that its clauses are numbered "
            "(1.1, 1.2 …) or that it has headings."
        )
    parsed.sections = sections
    return parsed


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _paragraphs(lines: list[str]) -> str:
    """Join hard-wrapped lines; one block per paragraph or bullet item."""
    blocks: list[str] = []
    current: str | None = None
    gap = False
    for line in lines:
        stripped = line.strip()
        if not stripped:
            gap = True
            continue
        bullet = _BULLET.match(line)
        if bullet and not (current is not None and _is_hyphen_wrap(current, line)):
            if current is not None:
                blocks.append(current)
            current = "- " + _squash(bullet["text"])
            gap = False
            continue
        stripped = _squash(stripped)
        if current is not None and _continues(current, stripped, after_gap=gap):
            # A line ending in a hyphen is a compound split at the wrap ("day-to-" / "day"): keep the hyphen.
            current = f"{current}{stripped}" if current.endswith("-") else f"{current} {stripped}"
        else:
            if current is not None:
                blocks.append(current)
            current = stripped
        gap = False
    if current is not None:
        blocks.append(current)
    return "\n\n".join(b for b in blocks if b.strip("- "))


def _is_hyphen_wrap(current: str, line: str) -> bool:
    return current.endswith("-") and line.strip().startswith("-") is False


def _continues(previous: str, line: str, *, after_gap: bool) -> bool:
    if previous[-1:] in ".!?:;":
        return False
    if line[:1].islower() or previous.endswith("-"):
        return True
    last_word = previous.split()[-1].lower() if previous.split() else ""
    if last_word in _JOINING_WORDS or previous.count("(") > previous.count(")"):
        return True
    return not after_gap and not previous.startswith("- ")


def _fold_childless_headings(sections: list[ParsedSection]) -> None:
    """A numbered 'heading' with no text and no sub-clauses is really a short clause ("10.1.6 Re-deployment")."""
    numbers = [s.number for s in sections]
    for section in sections:
        if section.number and section.heading and not section.text:
            has_children = any(n.startswith(section.number + ".") for n in numbers)
            if not has_children and "." in section.number:
                section.text, section.heading = section.heading, ""


def _check_numbering(sections: list[ParsedSection], warnings: list[str]) -> None:
    seen: set[str] = set()
    last_child: dict[str, int] = {}
    for section in sections:
        if not section.number:
            continue
        if section.number in seen:
            warnings.append(f"Section {section.number} appears more than once.")
        seen.add(section.number)
        parts = section.number.split(".")
        parent, last = ".".join(parts[:-1]), int(parts[-1])
        previous = last_child.get(parent)
        if previous is not None and last != previous + 1:
            warnings.append(
                f"Section {section.number} follows {parent + '.' if parent else ''}{previous}: "
                "a gap or a typo in the document's numbering."
            )
        last_child[parent] = last


def _assign_anchors(sections: list[ParsedSection], warnings: list[str]) -> None:
    used: set[str] = set()
    for order, section in enumerate(sections):
        if section.number:
            base = "s-" + section.number.replace(".", "-")
        elif section.heading:
            base = "s-" + (slugify(section.heading)[:60] or "section")
        else:
            base = "s-preamble" if order == 0 else "s-section"
        anchor, n = base, 2
        while anchor in used:
            anchor, n = f"{base}-{n}", n + 1
        used.add(anchor)
        section.anchor = anchor
