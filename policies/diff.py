"""A readable difference between two versions: sections matched by number (or heading), and for a
changed section the words removed and added. Plain data; the template escapes every piece."""

import difflib
from dataclasses import dataclass, field

from policies.models import PolicySection, PolicyVersion


@dataclass
class Segment:
    kind: str  # "same", "removed", "added"
    text: str


@dataclass
class SectionChange:
    kind: str  # "added", "removed", "changed", "unchanged"
    anchor: str
    title: str
    old: PolicySection | None = None
    new: PolicySection | None = None
    segments: list[Segment] = field(default_factory=list)


def _full_text(section: PolicySection) -> str:
    return f"{section.heading}\n\n{section.text}".strip()


def _word_diff(old: str, new: str) -> list[Segment]:
    a, b = old.split(), new.split()
    segments: list[Segment] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            segments.append(Segment("same", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            segments.append(Segment("removed", " ".join(a[i1:i2])))
        if j2 > j1:
            segments.append(Segment("added", " ".join(b[j1:j2])))
    return segments


def policy_version_diff(*, old: PolicyVersion, new: PolicyVersion) -> list[SectionChange]:
    """Every section of either version, in the new version's order (removed ones where they were)."""
    old_sections = list(old.sections.all())
    new_sections = list(new.sections.all())
    old_by_anchor = {s.anchor: s for s in old_sections}
    new_anchors = {s.anchor for s in new_sections}
    # Walk both orders with difflib so a removed section appears where it used to be.
    matcher = difflib.SequenceMatcher(
        a=[s.anchor for s in old_sections], b=[s.anchor for s in new_sections], autojunk=False
    )
    changes: list[SectionChange] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "equal":
            for section in old_sections[i1:i2]:
                if section.anchor not in new_anchors:
                    changes.append(SectionChange("removed", section.anchor, section.title, old=section))
        for section in new_sections[j1:j2]:
            before = old_by_anchor.get(section.anchor)
            if before is None:
                changes.append(SectionChange("added", section.anchor, section.title, new=section))
            elif _full_text(before) == _full_text(section):
                changes.append(SectionChange("unchanged", section.anchor, section.title, old=before, new=section))
            else:
                changes.append(
                    SectionChange(
                        "changed",
                        section.anchor,
                        section.title,
                        old=before,
                        new=section,
                        segments=_word_diff(_full_text(before), _full_text(section)),
                    )
                )
    return changes
