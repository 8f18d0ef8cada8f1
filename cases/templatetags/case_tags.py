"""Template tags for the case pages."""

from django import template

from cases.selectors.restriction import case_names_restricted_person

register = template.Library()


@register.inclusion_tag("includes/_restriction_banner.html")
def case_restriction_banner(case):
    """The restriction banner, on every case page that names a restricted person (docs/privacy.md)."""
    return {"restricted": case_names_restricted_person(case)}
