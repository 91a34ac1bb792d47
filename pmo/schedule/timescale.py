"""The date scale that the Gantt chart and the portfolio roadmap share: the span of days a chart
covers, a moment's position on it, the scale's marks and grid (days to quarters), and the lines
at today and at the status date. Drawn as SVG with classes only (the stylesheet colours them)."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from html import escape

from django.utils import timezone

HEAD = 34  # px of the date scale
ZOOMS: dict[str, float] = {"day": 28.0, "week": 7.0, "month": 1.8, "quarter": 0.7}  # px per day


def day_of(moment: datetime) -> float:
    """A moment as days (with the fraction of the day) in the site's time zone."""
    local = timezone.localtime(moment)
    return local.toordinal() + (local.hour * 60 + local.minute) / 1440


def ticks(first: date, last: date, zoom: str) -> Iterator[tuple[date, str]]:
    """The scale's marks: each day, each Monday, each month's first or each quarter's first."""
    day = first
    while day <= last:
        if zoom == "day":
            yield day, day.strftime("%-d %b") if day.day == 1 or day == first else str(day.day)
        elif zoom == "week" and day.weekday() == 0:
            yield day, day.strftime("%-d %b")
        elif zoom == "month" and day.day == 1:
            yield day, day.strftime("%b %Y") if day.month == 1 or day == first else day.strftime("%b")
        elif zoom == "quarter" and day.day == 1 and day.month in (1, 4, 7, 10):
            yield day, f"Q{(day.month - 1) // 3 + 1} {day.year}"
        day += timedelta(days=1)


@dataclass(frozen=True)
class Scale:
    """The days from ``first`` to ``last`` at ``zoom``'s pixels a day, after ``left`` pixels."""

    first: date
    last: date
    zoom: str
    left: int = 0
    zone: tzinfo = field(default_factory=timezone.get_current_timezone, compare=False)

    @classmethod
    def spanning(cls, moments: Iterable[datetime], zoom: str, *, left: int = 0) -> "Scale | None":
        """A scale a little wider than ``moments`` (None if there are none)."""
        found = list(moments)
        if not found:
            return None
        first = timezone.localtime(min(found)).date() - timedelta(days=2)
        last = timezone.localtime(max(found)).date() + timedelta(days=3)
        return cls(first, last, zoom, left)

    @property
    def per_day(self) -> float:
        return ZOOMS[self.zoom]

    @property
    def width(self) -> int:
        return self.left + int((self.last.toordinal() - self.first.toordinal() + 1) * self.per_day) + 1

    def x(self, moment: datetime) -> float:
        local = moment.astimezone(self.zone)  # the zone read once: a roadmap places thousands
        day = local.toordinal() + (local.hour * 60 + local.minute) / 1440
        return round(self.left + (day - self.first.toordinal()) * self.per_day, 1)

    def grid(self, height: int) -> list[str]:
        """The scale's marks and their grid lines down to ``height``."""
        parts = []
        for day, text in ticks(self.first, self.last, self.zoom):
            at = round(self.left + (day.toordinal() - self.first.toordinal()) * self.per_day, 1)
            parts.append(f'<line class="gantt-grid" x1="{at}" y1="{HEAD - 6}" x2="{at}" y2="{height}"/>')
            parts.append(f'<text class="gantt-scale" x="{at + 2}" y="{HEAD - 12}">{escape(text)}</text>')
        return parts

    def lines(self, height: int, *, today: date | None, status_date: datetime | None = None) -> list[str]:
        """Lines at today and at the status date, where they fall within the scale."""
        parts = []
        for moment, css, title in (
            (
                timezone.make_aware(datetime.combine(today, datetime.min.time())) if today else None,
                "gantt-today",
                "Today",
            ),
            (status_date, "gantt-status", "Status date"),
        ):
            if moment is not None and self.first.toordinal() <= day_of(moment) <= self.last.toordinal() + 1:
                at = self.x(moment)
                line = f'x1="{at}" y1="{HEAD - 6}" x2="{at}" y2="{height}"'
                parts.append(f'<line class="{css}" {line}><title>{title}</title></line>')
        return parts
