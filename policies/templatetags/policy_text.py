"""Render section text safely. The import stores a small format (paragraphs separated by a blank
line, bullet items starting with "- "); everything is escaped, so no HTML from a document ever
reaches a page (IN-02). No Markdown library is needed for that (docs/policies.md)."""

from django import template
from django.utils.html import escape, format_html_join
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
