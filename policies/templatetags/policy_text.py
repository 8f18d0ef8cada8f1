"""Render section text safely. The import stores a small format (paragraphs separated by a blank
line, bullet items starting with "- "); everything is escaped, so no HTML from a document ever
reaches a page (IN-02). No Markdown library is needed for that (docs/policies.md)."""

from django import template
from django.urls import reverse
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

register = template.Library()


@register.filter
def policy_text(text: str) -> str:
    """Paragraphs become <p>, runs of "- " items become a <ul>."""
    parts: list[str] = []
    items: list[str] = []

    def flush():
        if items:
            parts.append("<ul>" + format_html_join("", "<li>{}</li>", ((i,) for i in items)) + "</ul>")
            items.clear()

    for block in (text or "").split("\n\n"):
        block = block.strip()
        if not block:
            continue
        if block.startswith("- "):
            items.append(block[2:])
            continue
        flush()
        parts.append(f"<p>{escape(block)}</p>")
    flush()
    return mark_safe("".join(parts))  # noqa: S308 - every piece above is escaped


@register.filter
def policy_summary(text: str, words: int = 45) -> str:
    """The section as one short line of plain text ("briefly"), for guidance on forms and case pages."""
    flat = " ".join(block.removeprefix("- ") for block in (text or "").split("\n\n") if block.strip())
    return Truncator(flat).words(int(words), truncate=" …")


def clause_link_html(section) -> str:
    """A link to one clause of the organisation's policy: "Professional Boundaries Policy, 5.1 Gifts"."""
    return format_html(
        '<a href="{}#{}">{}, {}</a>',
        reverse("policies:detail", args=[section.version.policy_id]),
        section.anchor,
        section.version.policy.title,
        section.title,
    )


@register.filter
def clause_link(section) -> str:
    """{{ section|clause_link }}: cite one clause, linked."""
    return clause_link_html(section)


@register.simple_tag
def policy_clauses(category=None, *, relationship=False, limit=2) -> str:
    """{% policy_clauses "gifts-money" %} or {% policy_clauses relationship=True %}: the organisation's own
    clauses for a rule, linked ("see … and …"), or nothing when the organisation has linked none."""
    from policies.selectors import clauses_for

    sections = clauses_for(category=category, relationship=relationship)[: int(limit)]
    if not sections:
        return ""
    links = [clause_link_html(s) for s in sections]
    return mark_safe("see " + " and ".join(links))  # noqa: S308 - each link is built by format_html
