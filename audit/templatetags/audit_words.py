from django import template

from audit.words import action_words as _action_words
from audit.words import object_words as _object_words

register = template.Library()


@register.filter
def action_words(code: str) -> str:
    return _action_words(code)


@register.filter
def object_words(label: str) -> str:
    return _object_words(label)
