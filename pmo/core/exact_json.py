"""Django's JSON fixture format, with every time kept to the microsecond.

Django's own JSON serializer writes datetimes and times through ``DjangoJSONEncoder``, which cuts
them to milliseconds (ECMA-262 style), so a `pmo backup` restored with `pmo restore` changed every
timestamp that had a sub-millisecond part. This module is registered as the ``json`` format
(``SERIALIZATION_MODULES`` in the settings), so ``dumpdata`` — and with it `pmo backup` — writes
full ISO 8601 times. Reading is Django's: its deserializer already parses microseconds, so
backups written before this change still load.
"""

import datetime
from typing import Any

from django.core.serializers.json import Deserializer, DjangoJSONEncoder
from django.core.serializers.json import Serializer as DjangoJSONSerializer

__all__ = ["Deserializer", "ExactJSONEncoder", "Serializer"]


class ExactJSONEncoder(DjangoJSONEncoder):
    """``DjangoJSONEncoder`` without the cut to milliseconds: datetimes and times keep their
    microseconds (UTC is still written ``Z``)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time) and o.utcoffset() is None:
            return o.isoformat()
        return super().default(o)


class Serializer(DjangoJSONSerializer):
    """Django's JSON serializer writing with ``ExactJSONEncoder``."""

    def _init_options(self) -> None:
        super()._init_options()
        if self.json_kwargs["cls"] is DjangoJSONEncoder:
            self.json_kwargs["cls"] = ExactJSONEncoder
