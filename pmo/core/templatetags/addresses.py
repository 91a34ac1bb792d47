"""``{% address "name" %}`` or ``{% address "name" key as href %}``: what ``{% url %}`` gives for
a page with no argument or one key, from the patterns of ``pmo.core.links`` (made once per
address name) instead of a ``reverse()`` each time: the menus every page shows link to thirty
pages, and their ``reverse()`` calls took about a millisecond of each page."""

from typing import Any

from django import template
from django.urls import reverse

from pmo.core.links import address as keyed_address
from pmo.core.links import page_address

register = template.Library()


@register.simple_tag
def address(name: str, *keys: Any) -> str:
    if not keys:
        return page_address(name)
    if len(keys) == 1:
        return keyed_address(name, keys[0])
    return reverse(name, args=keys)
