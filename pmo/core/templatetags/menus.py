"""``{% main_menu %}``: the main menu (``includes/nav_items.html``), written once for each way
a page can show it and kept. The template engine took about as long over the menu's thirty
links and their twenty-two includes as a bare view takes over a whole table of fifty rows.

What the menu shows depends only on which page it is on (its view's name, app and RAID kind;
the address itself for a page with no argument, which may be one the menu links to), whether
the user may import actuals and whether they are the PMO head, and the URL configuration and
script prefix its addresses come from: that is the key it is kept under, and a new menu item
must read nothing else (or add it to ``menu_key``)."""

from typing import Any

from django import template
from django.template import Engine
from django.template.context import Context
from django.urls import get_resolver, get_script_prefix, get_urlconf
from django.utils.safestring import SafeString

register = template.Library()

MENU_TEMPLATE = "includes/nav_items.html"
_KEPT: dict[tuple[Any, ...], SafeString] = {}
KEPT_AT_MOST = 1000  # menus kept per process: every page with no argument, by role and RAID kind


def menu_key(context: Context) -> tuple[Any, ...]:
    """What the menu shown in ``context`` depends on (see the module)."""
    request = context["request"]
    match = request.resolver_match
    view_name = app_name = kind = path = ""  # an address no page answers is none of the menu's
    if match is not None:
        view_name, app_name = match.view_name, match.app_name
        kind = match.kwargs.get("kind", "")
        if not (match.args or match.kwargs):
            path = request.path  # with an argument, none of the menu's (all without one)
    perms = context.get("perms")
    may_import = bool(perms and perms["finance"]["add_actualimport"])
    return (
        get_resolver(get_urlconf()),
        get_script_prefix(),
        view_name,
        app_name,
        str(kind),
        path,
        may_import,
        bool(context.get("user_is_pmo_head")),
    )


@register.simple_tag(takes_context=True)
def main_menu(context: Context) -> SafeString:
    """The main menu as ``includes/nav_items.html`` writes it for this page and user."""
    key = menu_key(context)
    found = _KEPT.get(key)
    if found is None:
        engine = context.template.engine if context.template else Engine.get_default()
        found = engine.get_template(MENU_TEMPLATE).render(context)
        if len(_KEPT) >= KEPT_AT_MOST:
            _KEPT.clear()
        _KEPT[key] = found
    return found
