"""Every problem of one write, gathered so the person sees them all in one submit (not the first
on this submit and the next on the one after)."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

T = TypeVar("T")


class Problems:
    """Run each check of a write through ``check`` (or ``add`` a problem found), then
    ``raise_any`` raises them all as one ValidationError naming each field (``__all__`` for the
    record as a whole)."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, error: ValidationError) -> None:
        found = error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
        for name, texts in found.items():
            known = self.errors.setdefault(name, [])
            known.extend(text for text in texts if text not in known)

    def check(self, step: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """What ``step`` returns, or None (its problem noted) when it raises a ValidationError."""
        try:
            return step(*args, **kwargs)
        except ValidationError as error:
            self.add(error)
            return None

    def raise_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)
