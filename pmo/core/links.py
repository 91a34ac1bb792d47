"""Addresses of one kind of page for thousands of rows (a dashboard's projects, a work queue's
reports): one ``reverse()`` with a stand-in argument, then each row's key put in its place."""

from urllib.parse import quote

from django.urls import reverse


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
