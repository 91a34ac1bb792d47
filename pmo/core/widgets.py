"""Form widgets written once and kept: the register's filter panel shows a choice of three
(confidential or not) on every page, and Django's template engine took about as long over its
three options as the rest of the panel. What a widget writes is a function of its template
context (name, value, attributes and options, all plain data), so the HTML is kept under that
context and written again only for one not seen before."""

from typing import Any

from django import forms
from django.forms.renderers import get_default_renderer
from django.utils.safestring import SafeString, mark_safe

KEPT_AT_MOST = 256  # distinct widgets kept per process (a few per page that uses them)
_KEPT: dict[tuple[Any, ...], SafeString] = {}


class KeptSelect(forms.Select):
    """A ``Select`` whose HTML is kept per template context (see the module): for a short,
    fixed list of choices, not one read from the database."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        context = self.get_context(name, value, attrs)
        renderer = renderer or get_default_renderer()
        key = (self.template_name, type(renderer), repr(context))
        found = _KEPT.get(key)
        if found is None:
            found = mark_safe(renderer.render(self.template_name, context))
            if len(_KEPT) >= KEPT_AT_MOST:
                _KEPT.clear()
            _KEPT[key] = found
        return found
