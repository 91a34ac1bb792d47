"""The API's HTML rendering (DRF's browsable API) under the Content-Security-Policy."""

from typing import Any

from csp.constants import UNSAFE_INLINE
from django.core.exceptions import PermissionDenied
from rest_framework import renderers


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """DRF's browsable API, whose templates set styles inline (``style=`` and a ``<style>`` for
    code colours). Its pages, and only they, allow inline styles; scripts stay as strict as on
    every other page (ADR 0023)."""

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: dict[str, Any] | None = None,
    ) -> Any:
        response = (renderer_context or {}).get("response")
        if response is not None:
            response._csp_update = {"style-src": [UNSAFE_INLINE]}
        return super().render(data, accepted_media_type, renderer_context)

    def show_form_for_method(self, view: Any, method: str, request: Any, obj: Any) -> bool:
        """No form for what the user may not do. The API's permission check says why in a
        Django ``PermissionDenied``, which DRF's renderer does not expect (it would answer 500)."""
        try:
            return bool(super().show_form_for_method(view, method, request, obj))
        except PermissionDenied:
            return False
