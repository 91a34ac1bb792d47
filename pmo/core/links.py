"""Addresses of one kind of page for thousands of rows (a dashboard's projects, a work queue's
reports): one ``reverse()`` with a stand-in argument, then each row's key put in its place."""

from typing import Any
from urllib.parse import quote

from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse


class Links:
    """``Links("reporting:report_detail", 987654321)(42)`` is ``/reporting/reports/42/``; the
    stand-in must not occur elsewhere in the address."""

    SAFE = "!$&'()*+,;=~:@"  # what reverse() leaves unquoted

    def __init__(self, name: str, stand_in: str | int, *before: str) -> None:
        self.stand_in = str(stand_in)
        self.pattern = reverse(name, args=[*before, stand_in])

    def __call__(self, key: str | int) -> str:
        text = str(key) if isinstance(key, int) else quote(key, safe=self.SAFE)  # a number needs no quoting
        return self.pattern.replace(self.stand_in, text)


_KEPT: dict[tuple[Any, str, str, type], Links] = {}
STAND_INS: dict[type, str | int] = {int: 987654321, str: "K0stand0in0K"}  # what any key may be


def address(name: str, key: str | int) -> str:
    """``reverse(name, args=[key])``, from a pattern made once per address name (per URL
    configuration and script prefix): a register's rows and a work queue's items ask for
    hundreds of addresses per page, and ``reverse()`` matches the whole URL configuration for
    each."""
    if type(key) not in STAND_INS:
        return reverse(name, args=[key])
    index = (get_resolver(get_urlconf()), get_script_prefix(), name, type(key))
    links = _KEPT.get(index)
    if links is None:
        links = _KEPT[index] = Links(name, STAND_INS[type(key)])
    return links(key)


_PAGES: dict[tuple[Any, str, str], str] = {}


def page_address(name: str) -> str:
    """``reverse(name)`` of a page that takes no argument (the menus every page shows link to
    thirty of them), made once per URL configuration and script prefix."""
    index = (get_resolver(get_urlconf()), get_script_prefix(), name)
    found = _PAGES.get(index)
    if found is None:
        found = _PAGES[index] = reverse(name)
    return found
