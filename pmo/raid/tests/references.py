"""Item references (RSK-12, CR-3, GR-2…) hold database ids, which PostgreSQL does not reuse after a
rolled-back build: comparisons of two builds compare them by shape."""

import re
from typing import Any

REFERENCE = re.compile(r"\b(RSK|ASM|ISS|DEP|ACT|DEC|CR|EXC|GR|HC|LL)-\d+\b")


def without_ids(value: Any) -> Any:
    """``value`` with every reference's number replaced by ``#`` (tuples and lists walked)."""
    if isinstance(value, str):
        return REFERENCE.sub(r"\1-#", value)
    if isinstance(value, tuple | list):
        return type(value)(without_ids(part) for part in value)
    return value
