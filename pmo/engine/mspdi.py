"""MS Project XML (MSPDI) in and out: a plan the engine can schedule, plus what MS Project stored.

Reading is safe: the file's size is limited, a DOCTYPE (where entity bombs and external entities
live) is refused, and lxml parses with entities unresolved and no network. A file that is not
MSPDI, a task without a UID, two tasks with one UID, a link to a task the file lacks, or a value
MS Project would never write is refused with a message naming the task, field and line.

MS Project's encodings: durations are ISO 8601 (``PT8H0M0S``) in minutes of working time, or of
elapsed time when the duration format is an elapsed unit; link lags are tenths of a minute
(``LinkLag``) shown in ``LagFormat`` units, or a percentage of the predecessor's duration when
the format is ``%``; slack is tenths of a minute; link types are 0 FF, 1 FS, 2 SF, 3 SS;
constraint types 0-7 are ASAP, ALAP, MSO, MFO, SNET, SNLT, FNET, FNLT; calendars derive from a
base calendar (weekdays they leave out, and its exceptions, come from the base), and exceptions
are single days, ranges, or recurring (daily, weekly, monthly and yearly patterns) as Project 2007
and later write them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from lxml import etree

from pmo.engine.calendar import (
    ROUND_THE_CLOCK,
    STANDARD_WEEK,
    Calendar,
    CalendarError,
    DurationUnit,
    Period,
    clock,
    period,
)
from pmo.engine.schedule import Assignment, Constraint, Link, LinkType, Plan, Task

NAMESPACE = "http://schemas.microsoft.com/project"
MAX_BYTES = 50 * 1024 * 1024

TOO_BIG = "The file is {size:,} bytes; the limit is {limit:,}."
NOT_XML = "The file is not well-formed XML: {error}"
DOCTYPE = "The file declares a DOCTYPE (entities): MS Project never writes one, so it is refused."
WRONG_ROOT = "This is not an MS Project XML file: its root element is <{tag}>, not <Project>."
NO_UID = "The {what} on line {line} has no UID."
DUPLICATE_UID = "Two tasks have UID {uid} (lines {first} and {line})."
MISSING_PREDECESSOR = (
    "Task {uid} (line {line}) has a predecessor with UID {predecessor}, which is not in the file."
)
BAD_VALUE = "{what} (line {line}): {field} {value!r} is not {expected}."
UNKNOWN_CALENDAR = "{what} (line {line}) uses calendar {calendar}, which is not in the file."

DURATION = re.compile(
    r"^(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$"
)

# MS Project's duration formats (an estimated duration adds 32, e.g. 39 is "1 day?")
FORMATS = {
    3: DurationUnit.MINUTES,
    4: DurationUnit.ELAPSED_MINUTES,
    5: DurationUnit.HOURS,
    6: DurationUnit.ELAPSED_HOURS,
    7: DurationUnit.DAYS,
    8: DurationUnit.ELAPSED_DAYS,
    9: DurationUnit.WEEKS,
    10: DurationUnit.ELAPSED_WEEKS,
    11: DurationUnit.MONTHS,
    12: DurationUnit.ELAPSED_MONTHS,
    19: DurationUnit.PERCENT,
    20: DurationUnit.ELAPSED_PERCENT,
}
FORMAT_CODES = {unit: code for code, unit in FORMATS.items()}
LINK_TYPES = {0: LinkType.FF, 1: LinkType.FS, 2: LinkType.SF, 3: LinkType.SS}
LINK_CODES = {kind: code for code, kind in LINK_TYPES.items()}
CONSTRAINTS = [
    Constraint.ASAP,
    Constraint.ALAP,
    Constraint.MSO,
    Constraint.MFO,
    Constraint.SNET,
    Constraint.SNLT,
    Constraint.FNET,
    Constraint.FNLT,
]


class MspdiError(ValueError):
    """A file that cannot be read as MS Project XML, with what is wrong and where."""


def unit_of(code: int | None, default: DurationUnit = DurationUnit.DAYS) -> DurationUnit:
    """The unit of an MSPDI duration or lag format (estimated formats as their unit)."""
    if code is None:
        return default
    if code in FORMATS:
        return FORMATS[code]
    if code - 32 in FORMATS:
        return FORMATS[code - 32]
    return default


def parse_duration(text: str) -> int:
    """Minutes in an ISO 8601 duration as MSPDI writes it (``PT8H0M0S``; ``-PT...`` for a lead)."""
    found = DURATION.match(text.strip())
    if not found:
        raise ValueError(text)
    sign, years, months, days, hours, minutes, seconds = found.groups()
    if years or months:
        raise ValueError(text)  # MS Project never writes these: their length is ambiguous
    total = int(days or 0) * 1440 + float(hours or 0) * 60 + float(minutes or 0) + float(seconds or 0) / 60
    return -round(total) if sign else round(total)


def format_duration(minutes: int) -> str:
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}PT{hours}H{rest}M0S"


@dataclass(frozen=True)
class StoredDates:
    """What the file says MS Project computed (absent fields are None); slack in minutes."""

    start: datetime | None = None
    finish: datetime | None = None
    early_start: datetime | None = None
    early_finish: datetime | None = None
    late_start: datetime | None = None
    late_finish: datetime | None = None
    total_slack: int | None = None
    free_slack: int | None = None
    critical: bool | None = None


@dataclass(frozen=True)
class Baseline:
    number: int
    start: datetime | None = None
    finish: datetime | None = None
    duration: int | None = None  # minutes
    work: int | None = None  # minutes
    cost: Decimal | None = None


@dataclass(frozen=True)
class ImportedTask:
    """A task as the file has it: the engine's ``task``, its place in the outline, how its
    duration is shown, what MS Project stored, baselines and custom fields (field name -> value)."""

    uid: int
    task: Task
    row: int | None = None
    wbs: str = ""
    outline_number: str = ""
    outline_level: int = 1
    duration_unit: DurationUnit = DurationUnit.DAYS
    stored: StoredDates = field(default_factory=StoredDates)
    baselines: tuple[Baseline, ...] = ()
    custom_fields: dict[str, str] = field(default_factory=dict)
    active: bool = True
    summary: bool = False
    fixed_duration: bool = False  # MS Project's task type 1: resources do not change its duration
    line: int | None = None


@dataclass(frozen=True)
class ImportedLink:
    link: Link
    lag_unit: DurationUnit = DurationUnit.DAYS


@dataclass(frozen=True)
class ImportedProject:
    name: str
    start: datetime
    finish: datetime | None
    status_date: datetime | None
    calendar: Calendar
    calendars: dict[int, Calendar]
    tasks: list[ImportedTask]
    links: list[ImportedLink]
    minutes_per_day: int = 480
    minutes_per_week: int = 2400
    days_per_month: int = 20
    critical_slack: int = 0  # minutes
    save_version: int | None = None
    custom_field_names: dict[str, str] = field(default_factory=dict)  # field id -> alias or name
    resources: list[dict[str, str]] = field(default_factory=list)
    assignments: list[dict[str, str]] = field(default_factory=list)
    calendar_uid: int | None = None

    @property
    def saved_by_ms_project(self) -> bool:
        return self.save_version is not None

    def plan(self) -> Plan:
        """The active tasks and their links as a plan for ``schedule``."""
        active = {item.uid for item in self.tasks if item.active}
        parents = {item.uid: item.task.parent for item in self.tasks}

        def active_parent(parent: Any) -> Any:
            while parent is not None and parent not in active:
                parent = parents.get(parent)
            return parent

        tasks = [
            replace(item.task, parent=active_parent(item.task.parent)) for item in self.tasks if item.active
        ]
        links = [
            item.link
            for item in self.links
            if item.link.predecessor in active and item.link.successor in active
        ]
        return Plan(
            tasks=tasks,
            links=links,
            start=self.start,
            calendar=self.calendar,
            status_date=self.status_date,
            critical_slack=self.critical_slack,
        )


# -- reading -----------------------------------------------------------------------------------


def read_mspdi(data: bytes, *, limit: int = MAX_BYTES) -> ImportedProject:
    """Read an MSPDI file's bytes; raises ``MspdiError`` naming what is wrong and where."""
    if len(data) > limit:
        raise MspdiError(TOO_BIG.format(size=len(data), limit=limit))
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
    )
    try:
        tree = etree.fromstring(data, parser).getroottree()
    except etree.XMLSyntaxError as exc:
        raise MspdiError(NOT_XML.format(error=exc)) from exc
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise MspdiError(DOCTYPE)
    root = tree.getroot()
    namespace = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""
    if etree.QName(root).localname != "Project":
        raise MspdiError(WRONG_ROOT.format(tag=etree.QName(root).localname))
    return _Reader(root, namespace).project()


class _Reader:
    def __init__(self, root: Any, namespace: str) -> None:
        self.root = root
        self.ns = namespace
        self._last: Any = None
        self._last_children: dict[str, Any] = {}

    # small helpers over one element --------------------------------------------------------

    def find(self, element: Any, path: str) -> Any:
        return element.find("/".join(self.ns + part for part in path.split("/")))

    def findall(self, element: Any, path: str) -> list[Any]:
        return element.findall("/".join(self.ns + part for part in path.split("/")))

    def children(self, element: Any) -> dict[str, Any]:
        """The element's children by tag (first of each), remembered for the element last asked
        about: a task has a hundred fields and is read one field after another."""
        if element is not self._last:
            found: dict[str, Any] = {}
            for child in element:
                found.setdefault(child.tag, child)
            self._last, self._last_children = element, found
        return self._last_children

    def text(self, element: Any, name: str) -> str | None:
        found = self.children(element).get(self.ns + name)
        if found is None or found.text is None:
            return None
        value: str = found.text.strip()
        return value or None

    def integer(self, element: Any, name: str, what: str) -> int | None:
        value = self.text(element, name)
        if value is None:
            return None
        try:
            return int(Decimal(value))
        except InvalidOperation:
            raise self.bad(element, name, value, what, "a number") from None

    def number(self, element: Any, name: str, what: str) -> Decimal | None:
        value = self.text(element, name)
        if value is None:
            return None
        try:
            return Decimal(value)
        except InvalidOperation:
            raise self.bad(element, name, value, what, "a number") from None

    def flag(self, element: Any, name: str) -> bool | None:
        value = self.text(element, name)
        return None if value is None else value in ("1", "true")

    def moment(self, element: Any, name: str, what: str) -> datetime | None:
        value = self.text(element, name)
        if value is None:
            return None
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise self.bad(element, name, value, what, "a date and time") from None
        return moment.replace(tzinfo=None, second=0, microsecond=0)

    def minutes(self, element: Any, name: str, what: str) -> int | None:
        value = self.text(element, name)
        if value is None:
            return None
        try:
            return parse_duration(value)
        except ValueError:
            raise self.bad(element, name, value, what, "an MS Project duration like PT8H0M0S") from None

    def bad(self, element: Any, name: str, value: str, what: str, expected: str) -> MspdiError:
        found = self.children(element).get(self.ns + name)
        line = found.sourceline if found is not None else element.sourceline
        return MspdiError(BAD_VALUE.format(what=what, line=line, field=name, value=value, expected=expected))

    def fields(self, element: Any) -> dict[str, str]:
        """Every simple child element as name -> text (kept for later use)."""
        return {
            child.tag.rpartition("}")[2]: child.text.strip()
            for child in element
            if isinstance(child.tag, str) and child.text and child.text.strip() and len(child) == 0
        }

    # the project ------------------------------------------------------------------------------

    def project(self) -> ImportedProject:
        root = self.root
        minutes_per_day = self.integer(root, "MinutesPerDay", "The project") or 480
        minutes_per_week = self.integer(root, "MinutesPerWeek", "The project") or minutes_per_day * 5
        days_per_month = self.integer(root, "DaysPerMonth", "The project") or 20
        self.settings: dict[str, Any] = {
            "minutes_per_day": minutes_per_day,
            "minutes_per_week": minutes_per_week,
            "days_per_month": days_per_month,
        }
        calendars = self.calendars()
        self.calendars_by_uid = calendars
        self.work_by_task = self.assignment_work(calendars)
        self.assigned = {
            self.text(node, "TaskUID")
            for node in self.findall(root, "Assignments/Assignment")
            if self.text(node, "ResourceUID") not in (None, "-65535")  # -65535: MS Project's "no resource"
        }
        calendar_uid = self.integer(root, "CalendarUID", "The project")
        if calendar_uid is not None and calendar_uid in calendars:
            calendar = calendars[calendar_uid]
        else:
            calendar = next(iter(calendars.values()), None) or Calendar(name="Standard", **self.settings)
        self.calendars_by_uid = calendars
        tasks = self.tasks(calendar)
        links = self.links(tasks)
        start = self.moment(root, "StartDate", "The project")
        if start is None:
            starts = [item.task.start for item in tasks if item.task.start]
            start = min(starts) if starts else datetime(2000, 1, 3, 8)  # noqa: DTZ001 - wall-clock
        slack_days = self.number(root, "CriticalSlackLimit", "The project") or Decimal(0)
        names = {}
        for attribute in self.findall(root, "ExtendedAttributes/ExtendedAttribute"):
            key = self.text(attribute, "FieldID") or ""
            names[key] = self.text(attribute, "Alias") or self.text(attribute, "FieldName") or key
        save_version = self.integer(root, "SaveVersion", "The project")
        if save_version is None and self.text(root, "BuildNumber") is None and self._looks_like_ms_project():
            save_version = 0  # Project 2002/2003 wrote neither; its files carry early and late dates
        return ImportedProject(
            name=self.text(root, "Title") or self.text(root, "Name") or "",
            start=start,
            finish=self.moment(root, "FinishDate", "The project"),
            status_date=self.moment(root, "StatusDate", "The project"),
            calendar=calendar,
            calendars=calendars,
            tasks=tasks,
            links=links,
            minutes_per_day=minutes_per_day,
            minutes_per_week=minutes_per_week,
            days_per_month=days_per_month,
            critical_slack=int(slack_days * minutes_per_day),
            save_version=save_version,
            custom_field_names=names,
            resources=[self.fields(node) for node in self.findall(root, "Resources/Resource")],
            assignments=[self.fields(node) for node in self.findall(root, "Assignments/Assignment")],
            calendar_uid=calendar_uid,
        )

    def assignment_work(self, calendars: dict[int, Calendar]) -> dict[str, list[Assignment]]:
        """Per task UID, the work of each resource on the resource's calendar (work resources
        only: material and cost resources take no time)."""
        resources = {}
        for node in self.findall(self.root, "Resources/Resource"):
            kind = self.text(node, "Type")
            calendar_uid = self.integer(node, "CalendarUID", "A resource")
            if kind in (None, "1") and calendar_uid in calendars:
                resources[self.text(node, "UID")] = calendars[calendar_uid]
        durations = {}
        for node in self.findall(self.root, "Tasks/Task"):
            try:
                durations[self.text(node, "UID") or ""] = parse_duration(self.text(node, "Duration") or "")
            except ValueError:
                continue  # reported with the task itself
        found: dict[str, list[Assignment]] = {}
        for node in self.findall(self.root, "Assignments/Assignment"):
            calendar = resources.get(self.text(node, "ResourceUID"))
            units = self.number(node, "Units", "An assignment") or Decimal(0)
            work = self.minutes(node, "Work", "An assignment")
            if calendar is None or work is None or units <= 0:
                continue
            contour = self.text(node, "WorkContour") or "0"
            span = round(work / units)
            if contour != "0":
                # a shaped (contoured) assignment spreads its work thinner: its span is the task's
                # duration as MS Project worked it out (the shapes themselves are not modelled)
                span = durations.get(self.text(node, "TaskUID") or "", span)
            found.setdefault(self.text(node, "TaskUID") or "", []).append(
                Assignment(calendar=calendar, work=span)
            )
        return found

    def _looks_like_ms_project(self) -> bool:
        return any(self.text(task, "EarlyStart") for task in self.findall(self.root, "Tasks/Task"))

    # calendars -----------------------------------------------------------------------------------

    def calendars(self) -> dict[int, Calendar]:
        raw: dict[int, Any] = {}
        for node in self.findall(self.root, "Calendars/Calendar"):
            uid = self.integer(node, "UID", "A calendar")
            if uid is None:
                raise MspdiError(NO_UID.format(what="calendar", line=node.sourceline))
            raw[uid] = node
        built: dict[int, Calendar] = {}

        def build(uid: int, seen: tuple[int, ...] = ()) -> Calendar:
            if uid in built:
                return built[uid]
            node = raw[uid]
            what = f"Calendar {uid}"
            week: list[tuple[Period, ...] | None] = [None] * 7
            exceptions: dict[date, tuple[Period, ...]] = {}
            for day in self.findall(node, "WeekDays/WeekDay"):
                kind = self.integer(day, "DayType", what)
                periods = self.periods(day, what)
                if kind and 1 <= kind <= 7:
                    week[(kind + 5) % 7] = periods  # MSPDI counts Sunday as 1; the engine Monday as 0
                elif kind == 0:
                    span = self.find(day, "TimePeriod")
                    if span is not None:
                        for when in self.days_between(span, what):
                            exceptions[when] = periods
            for work_week in self.findall(node, "WorkWeeks/WorkWeek"):
                span = self.find(work_week, "TimePeriod")
                days: dict[int, tuple[Period, ...]] = {}
                for day in self.findall(work_week, "WeekDays/WeekDay"):
                    kind = self.integer(day, "DayType", what)
                    if kind and 1 <= kind <= 7:
                        days[(kind + 5) % 7] = self.periods(day, what)
                if span is not None and days:
                    for when in self.days_between(span, what):
                        if when.weekday() in days:
                            exceptions.setdefault(when, days[when.weekday()])
            for exception in self.findall(node, "Exceptions/Exception"):
                periods = self.periods(exception, what)
                for when in self.recurrence(exception, what):
                    exceptions[when] = periods
            base_uid = self.integer(node, "BaseCalendarUID", what)
            base = None
            if base_uid is not None and base_uid in raw and base_uid != uid and base_uid not in seen:
                base = build(base_uid, (*seen, uid))
            filled: tuple[tuple[Period, ...], ...] = tuple(
                own if own is not None else (base.week[index] if base else STANDARD_WEEK[index])
                for index, own in enumerate(week)
            )
            if base is not None:
                exceptions = {**base.exceptions, **exceptions}
            name = self.text(node, "Name") or f"Calendar {uid}"
            if not any(filled):
                filled = ROUND_THE_CLOCK if not exceptions else STANDARD_WEEK
            try:
                built[uid] = Calendar(name=name, week=filled, exceptions=exceptions, **self.settings)
            except CalendarError as exc:
                raise MspdiError(f"{what} (line {node.sourceline}): {exc}") from exc
            return built[uid]

        for uid in raw:
            build(uid)
        return built

    def periods(self, day: Any, what: str) -> tuple[Period, ...]:
        if not self.flag(day, "DayWorking"):
            return ()
        found = []
        for working in self.findall(day, "WorkingTimes/WorkingTime"):
            start, end = self.text(working, "FromTime"), self.text(working, "ToTime")
            if start and end:
                found.append(period(start, end))
        found.sort()
        return tuple(found)

    def days_between(self, span: Any, what: str) -> Iterator[date]:
        first = self.moment(span, "FromDate", what)
        last = self.moment(span, "ToDate", what)
        if first is None or last is None:
            return
        day = first.date()
        end = min(last.date(), day + timedelta(days=366 * 100))
        while day <= end:
            yield day
            day += timedelta(days=1)

    def recurrence(self, exception: Any, what: str) -> Iterator[date]:
        """The days of an exception: its whole range, or the days a recurring pattern picks."""
        span = self.find(exception, "TimePeriod")
        if span is None:
            return
        kind = self.integer(exception, "Type", what) or 1
        every = max(self.integer(exception, "Period", what) or 1, 1)
        days = list(self.days_between(span, what))
        if not days:
            return
        first = days[0]
        weekdays = self.integer(exception, "DaysOfWeek", what) or 0
        month_day = self.integer(exception, "MonthDay", what) or 1
        month = (self.integer(exception, "Month", what) or 0) + 1
        item = self.integer(exception, "MonthItem", what) or 0
        position = self.integer(exception, "MonthPosition", what) or 0
        first_sunday = first - timedelta(days=(first.weekday() + 1) % 7)  # MSPDI weeks start on Sunday
        for day in days:
            months_on = (day.year - first.year) * 12 + day.month - first.month
            if kind == 1:
                chosen = True
            elif kind == 7:
                chosen = (day - first).days % every == 0
            elif kind == 6:
                sunday_bit = 1 << ((day.weekday() + 1) % 7)
                chosen = bool(weekdays & sunday_bit) and ((day - first_sunday).days // 7) % every == 0
            elif kind == 4:
                chosen = day.day == month_day and months_on % every == 0
            elif kind == 5:
                chosen = months_on % every == 0 and _nth_in_month(day, item, position)
            elif kind == 2:
                chosen = day.month == month and day.day == month_day
            elif kind == 3:
                chosen = day.month == month and _nth_in_month(day, item, position)
            else:
                chosen = True
            if chosen:
                yield day

    # tasks ---------------------------------------------------------------------------------------

    def tasks(self, calendar: Calendar) -> list[ImportedTask]:
        found: list[ImportedTask] = []
        lines: dict[int, int] = {}
        outline: list[tuple[int, int]] = []  # (level, uid) of the open summaries
        counters: list[int] = []  # the outline number of the task last read, part by part
        for node in self.findall(self.root, "Tasks/Task"):
            uid = self.integer(node, "UID", "A task")
            if uid is None:
                raise MspdiError(NO_UID.format(what="task", line=node.sourceline))
            if uid in lines:
                raise MspdiError(DUPLICATE_UID.format(uid=uid, first=lines[uid], line=node.sourceline))
            lines[uid] = node.sourceline
            if uid == 0 or self.flag(node, "IsNull"):
                continue  # the project's own summary row, and blank rows
            what = f"Task {uid}"
            level = self.integer(node, "OutlineLevel", what) or 1
            while outline and outline[-1][0] >= level:
                outline.pop()
            parent = outline[-1][1] if outline else None
            outline.append((level, uid))
            counters = counters[:level] + [0] * (level - len(counters))
            counters[-1] += 1
            item = self.task(node, uid, parent, level, calendar)
            if not (item.outline_number and item.wbs):
                # As MS Project numbers them when a file leaves them out (ProjectLibre,
                # GanttProject): the outline number, which is also the default WBS code.
                number = ".".join(map(str, counters))
                item = replace(item, outline_number=item.outline_number or number, wbs=item.wbs or number)
            found.append(item)
        # summary flags follow the outline (a task with children is a summary)
        parents = {item.task.parent for item in found}
        return [
            replace(item, summary=True, task=replace(item.task, summary=True))
            if item.uid in parents
            else item
            for item in found
        ]

    def task(self, node: Any, uid: int, parent: int | None, level: int, calendar: Calendar) -> ImportedTask:
        what = f"Task {uid}"
        code = self.integer(node, "DurationFormat", what)
        unit = unit_of(code)
        duration = self.minutes(node, "Duration", what) or 0
        if duration < 0:
            raise self.bad(node, "Duration", self.text(node, "Duration") or "", what, "a positive duration")
        constraint_code = self.integer(node, "ConstraintType", what) or 0
        if not 0 <= constraint_code < len(CONSTRAINTS):
            raise self.bad(node, "ConstraintType", str(constraint_code), what, "a constraint type (0-7)")
        constraint = CONSTRAINTS[constraint_code]
        calendar_uid = self.integer(node, "CalendarUID", what)
        own_calendar = None
        if calendar_uid is not None and calendar_uid != -1:
            if calendar_uid not in self.calendars_by_uid:
                raise MspdiError(
                    UNKNOWN_CALENDAR.format(what=what, line=node.sourceline, calendar=calendar_uid)
                )
            own_calendar = self.calendars_by_uid[calendar_uid]
        percent = self.number(node, "PercentComplete", what) or Decimal(0)
        total_slack = self.integer(node, "TotalSlack", what)
        free_slack = self.integer(node, "FreeSlack", what)
        stored = StoredDates(
            start=self.moment(node, "Start", what),
            finish=self.moment(node, "Finish", what),
            early_start=self.moment(node, "EarlyStart", what),
            early_finish=self.moment(node, "EarlyFinish", what),
            late_start=self.moment(node, "LateStart", what),
            late_finish=self.moment(node, "LateFinish", what),
            total_slack=None if total_slack is None else round(total_slack / 10),
            free_slack=None if free_slack is None else round(free_slack / 10),
            critical=self.flag(node, "Critical"),
        )
        manual = bool(self.flag(node, "Manual"))
        task = Task(
            id=uid,
            name=self.text(node, "Name") or "",
            duration=duration,
            parent=parent,
            milestone=bool(self.flag(node, "Milestone")),
            elapsed=unit.elapsed,
            constraint=constraint,
            constraint_date=self.moment(node, "ConstraintDate", what) if constraint_code >= 2 else None,
            deadline=self.moment(node, "Deadline", what),
            percent_complete=float(percent),
            remaining=self.minutes(node, "RemainingDuration", what),
            actual_start=self.moment(node, "ActualStart", what),
            actual_finish=self.moment(node, "ActualFinish", what),
            manual=manual,
            start=stored.start if manual else self.moment(node, "Start", what),
            finish=stored.finish if manual else self.moment(node, "Finish", what),
            calendar=own_calendar,
            assigned=str(uid) in self.assigned,
            # a fixed-duration task keeps its duration; otherwise its resources' work dates it
            assignments=() if self.text(node, "Type") == "1" else tuple(self.work_by_task.get(str(uid), ())),
        )
        baselines = []
        for baseline in self.findall(node, "Baseline"):
            baselines.append(
                Baseline(
                    number=self.integer(baseline, "Number", what) or 0,
                    start=self.moment(baseline, "Start", what),
                    finish=self.moment(baseline, "Finish", what),
                    duration=self.minutes(baseline, "Duration", what),
                    work=self.minutes(baseline, "Work", what),
                    cost=self.number(baseline, "Cost", what),
                )
            )
        custom = {}
        for attribute in self.findall(node, "ExtendedAttribute"):
            key = self.text(attribute, "FieldID") or ""
            custom[key] = self.text(attribute, "Value") or ""
        row = self.integer(node, "ID", what)
        return ImportedTask(
            uid=uid,
            task=task,
            row=row,
            wbs=self.text(node, "WBS") or "",
            outline_number=self.text(node, "OutlineNumber") or "",
            outline_level=level,
            duration_unit=unit,
            stored=stored,
            baselines=tuple(baselines),
            custom_fields=custom,
            active=self.flag(node, "Active") is not False,
            fixed_duration=self.text(node, "Type") == "1",
            line=node.sourceline,
        )

    def links(self, tasks: list[ImportedTask]) -> list[ImportedLink]:
        known = {item.uid: item for item in tasks}
        found = []
        for node in self.findall(self.root, "Tasks/Task"):
            uid = self.integer(node, "UID", "A task")
            if uid not in known:
                continue
            for link in self.findall(node, "PredecessorLink"):
                what = f"Task {uid}"
                predecessor = self.integer(link, "PredecessorUID", what)
                if predecessor is None or predecessor not in known:
                    if self.flag(link, "CrossProject"):
                        continue  # a link to another project's task: kept out of this plan
                    raise MspdiError(
                        MISSING_PREDECESSOR.format(uid=uid, line=link.sourceline, predecessor=predecessor)
                    )
                code = self.integer(link, "Type", what)
                kind = LINK_TYPES.get(1 if code is None else code)
                if kind is None:
                    raise self.bad(link, "Type", self.text(link, "Type") or "", what, "a link type (0-3)")
                lag_code = self.integer(link, "LagFormat", what)
                unit = unit_of(lag_code)
                lag = self.integer(link, "LinkLag", what) or 0
                if unit in (DurationUnit.PERCENT, DurationUnit.ELAPSED_PERCENT):
                    made = Link(predecessor, uid, kind, lag_percent=float(lag))
                else:
                    made = Link(predecessor, uid, kind, lag=round(lag / 10), lag_elapsed=unit.elapsed)
                found.append(ImportedLink(made, unit))
        return found


def _nth_in_month(day: date, item: int, position: int) -> bool:
    """MSPDI's relative days: ``item`` 3-9 is Sunday-Saturday (0 day, 1 weekday, 2 weekend day);
    ``position`` 0-3 is first-fourth, 4 last."""
    if item >= 3:
        if (day.weekday() + 1) % 7 != item - 3:
            return False
        if position == 4:
            return (day + timedelta(days=7)).month != day.month
        return (day.day - 1) // 7 == position
    candidates = []
    probe = day.replace(day=1)
    while probe.month == day.month:
        weekend = probe.weekday() >= 5
        if item == 0 or (item == 1 and not weekend) or (item == 2 and weekend):
            candidates.append(probe)
        probe += timedelta(days=1)
    index = -1 if position == 4 else position
    return -len(candidates) <= index < len(candidates) and candidates[index] == day


# -- writing -----------------------------------------------------------------------------------


def project_from_plan(plan: Plan, name: str = "") -> ImportedProject:
    """A plan made elsewhere (not read from a file) as a project ``write_mspdi`` can write: its
    tasks in outline order (each summary followed by its tasks, as MSPDI's outline levels need)
    numbered 1, 2, 3... as their UIDs (MSPDI's UID 0 is the project itself), durations shown in
    days."""
    known = {task.id for task in plan.tasks}
    children: dict[Any, list[Task]] = {}
    for task in plan.tasks:
        children.setdefault(task.parent if task.parent in known else None, []).append(task)
    ordered: list[tuple[Task, int]] = []
    stack = [(task, 1) for task in reversed(children.get(None, []))]
    while stack:
        task, depth = stack.pop()
        ordered.append((task, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(task.id, [])))
    uid_of = {task.id: number for number, (task, _) in enumerate(ordered, start=1)}
    with_children = {task.parent for task in plan.tasks if task.parent is not None}

    calendars = {1: plan.calendar}
    for task in plan.tasks:
        if task.calendar is not None and all(task.calendar is not known for known in calendars.values()):
            calendars[len(calendars) + 1] = task.calendar
    return ImportedProject(
        name=name,
        start=plan.start,
        finish=None,
        status_date=plan.status_date,
        calendar=plan.calendar,
        calendars=calendars,
        tasks=[
            ImportedTask(
                uid=uid_of[task.id],
                task=replace(
                    task, id=uid_of[task.id], parent=None if task.parent is None else uid_of.get(task.parent)
                ),
                row=uid_of[task.id],
                outline_level=depth,
                duration_unit=DurationUnit.ELAPSED_DAYS if task.elapsed else DurationUnit.DAYS,
                summary=task.id in with_children,
            )
            for task, depth in ordered
        ],
        links=[
            ImportedLink(
                replace(link, predecessor=uid_of[link.predecessor], successor=uid_of[link.successor]),
                DurationUnit.ELAPSED_DAYS if link.lag_elapsed else DurationUnit.DAYS,
            )
            for link in plan.links
        ],
        minutes_per_day=plan.calendar.minutes_per_day,
        minutes_per_week=plan.calendar.minutes_per_week,
        days_per_month=plan.calendar.days_per_month,
        critical_slack=plan.critical_slack,
    )


def _when(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%S") if moment else None


def write_mspdi(project: ImportedProject, computed: Any = None) -> bytes:
    """The project as MSPDI. ``computed`` (a ``Schedule``), when given, supplies the dates, slack
    and critical flags written; otherwise what the file stored is written back."""
    root = etree.Element(f"{{{NAMESPACE}}}Project", nsmap={None: NAMESPACE})

    def add(parent: Any, name: str, value: object) -> Any:
        element = etree.SubElement(parent, f"{{{NAMESPACE}}}{name}")
        if value is not None:
            element.text = str(value)
        return element

    add(root, "SaveVersion", 14)
    add(root, "Name", project.name)
    add(root, "Title", project.name)
    add(root, "ScheduleFromStart", 1)
    add(root, "StartDate", _when(project.start))
    if project.finish or computed is not None:
        add(root, "FinishDate", _when(computed.finish if computed is not None else project.finish))
    if project.status_date:
        add(root, "StatusDate", _when(project.status_date))
    add(root, "CriticalSlackLimit", project.critical_slack // max(project.minutes_per_day, 1))
    uids = {id(calendar): uid for uid, calendar in project.calendars.items()}
    if id(project.calendar) not in uids:
        uids[id(project.calendar)] = max(uids.values(), default=0) + 1
    add(root, "CalendarUID", uids[id(project.calendar)])
    add(root, "MinutesPerDay", project.minutes_per_day)
    add(root, "MinutesPerWeek", project.minutes_per_week)
    add(root, "DaysPerMonth", project.days_per_month)
    attributes = add(root, "ExtendedAttributes", None)
    for name, alias in project.custom_field_names.items():
        attribute = add(attributes, "ExtendedAttribute", None)
        add(attribute, "FieldID", name)
        add(attribute, "Alias", alias)
    calendars = add(root, "Calendars", None)
    everything = dict(project.calendars)
    everything.setdefault(uids[id(project.calendar)], project.calendar)
    last = computed.finish if computed is not None else project.finish or project.start
    years = range(project.start.year - 1, max(last.year, project.start.year) + 3)
    for uid, calendar in everything.items():
        _write_calendar(add, calendars, uid, calendar, years)
    tasks = add(root, "Tasks", None)
    predecessors: dict[Any, list[ImportedLink]] = {}
    for link in project.links:
        predecessors.setdefault(link.link.successor, []).append(link)
    for number, item in enumerate(project.tasks, start=1):
        _write_task(add, tasks, number, item, predecessors.get(item.uid, []), uids, computed)
    for collection, kind, rows in (
        ("Resources", "Resource", project.resources),
        ("Assignments", "Assignment", project.assignments),
    ):
        parent = add(root, collection, None)
        for row in rows:
            element = add(parent, kind, None)
            for name, value in row.items():
                add(element, name, value)
    return bytes(
        etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True, pretty_print=True)
    )


def _write_calendar(add: Any, parent: Any, uid: int, calendar: Calendar, years: range) -> None:
    node = add(parent, "Calendar", None)
    add(node, "UID", uid)
    add(node, "Name", calendar.name)
    add(node, "IsBaseCalendar", 1)
    add(node, "BaseCalendarUID", -1)
    days = add(node, "WeekDays", None)
    for index, periods in enumerate(calendar.week):
        day = add(days, "WeekDay", None)
        add(day, "DayType", (index + 1) % 7 + 1)
        _write_periods(add, day, periods)
    days_off = {}  # holidays (UK bank holidays...) become exceptions over the plan's years
    if calendar.holidays:
        day, last = date(years.start, 1, 1), date(years.stop - 1, 12, 31)
        while day <= last:
            if day in calendar.holidays and day not in calendar.exceptions:
                days_off[day] = ()
            day += timedelta(days=1)
    written = {**days_off, **calendar.exceptions}
    if written:
        exceptions = add(node, "Exceptions", None)
        for when, periods in sorted(written.items()):
            exception = add(exceptions, "Exception", None)
            span = add(exception, "TimePeriod", None)
            add(span, "FromDate", f"{when.isoformat()}T00:00:00")
            add(span, "ToDate", f"{when.isoformat()}T23:59:00")
            add(exception, "Type", 1)
            _write_periods(add, exception, periods)


def _write_periods(add: Any, parent: Any, periods: tuple[Period, ...]) -> None:
    add(parent, "DayWorking", 1 if periods else 0)
    if periods:
        times = add(parent, "WorkingTimes", None)
        for start, end in periods:
            working = add(times, "WorkingTime", None)
            add(working, "FromTime", f"{clock(start)}:00")
            add(working, "ToTime", f"{clock(end % 1440)}:00")


def _write_task(
    add: Any,
    parent: Any,
    number: int,
    item: ImportedTask,
    links: list[ImportedLink],
    uids: Any,
    computed: Any,
) -> None:
    task = item.task
    node = add(parent, "Task", None)
    add(node, "UID", item.uid)
    add(node, "ID", item.row if item.row is not None else number)
    add(node, "Name", task.name)
    add(node, "Type", 1 if item.fixed_duration else 0)
    add(node, "Active", 1 if item.active else 0)
    add(node, "Manual", 1 if task.manual else 0)
    if item.wbs:
        add(node, "WBS", item.wbs)
    if item.outline_number:
        add(node, "OutlineNumber", item.outline_number)
    add(node, "OutlineLevel", item.outline_level)
    dates = computed.tasks.get(item.uid) if computed is not None else None
    stored = item.stored
    start = dates.start if dates else stored.start or task.start
    finish = dates.finish if dates else stored.finish or task.finish
    add(node, "Start", _when(start))
    add(node, "Finish", _when(finish))
    add(node, "Duration", format_duration(task.duration))
    add(node, "DurationFormat", FORMAT_CODES.get(item.duration_unit, 7))
    add(node, "Milestone", 1 if task.milestone else 0)
    add(node, "Summary", 1 if item.summary else 0)
    critical = dates.critical if dates else stored.critical
    if critical is not None:
        add(node, "Critical", 1 if critical else 0)
    for name in ("early_start", "early_finish", "late_start", "late_finish"):
        value = getattr(dates, name) if dates else getattr(stored, name)
        if value is not None:
            add(node, "".join(part.title() for part in name.split("_")), _when(value))
    free = dates.free_float if dates else stored.free_slack
    total = dates.total_float if dates else stored.total_slack
    if free is not None:
        add(node, "FreeSlack", free * 10)
    if total is not None:
        add(node, "TotalSlack", total * 10)
    add(node, "PercentComplete", round(task.percent_complete))
    if task.remaining is not None:
        add(node, "RemainingDuration", format_duration(task.remaining))
    if task.actual_start:
        add(node, "ActualStart", _when(task.actual_start))
    if task.actual_finish:
        add(node, "ActualFinish", _when(task.actual_finish))
    add(node, "ConstraintType", CONSTRAINTS.index(task.constraint))
    if task.constraint_date:
        add(node, "ConstraintDate", _when(task.constraint_date))
    if task.deadline:
        add(node, "Deadline", _when(task.deadline))
    add(node, "CalendarUID", uids.get(id(task.calendar), -1) if task.calendar else -1)
    for link in links:
        element = add(node, "PredecessorLink", None)
        add(element, "PredecessorUID", link.link.predecessor)
        add(element, "Type", LINK_CODES[link.link.type])
        if link.link.lag_percent is not None:
            add(element, "LinkLag", round(link.link.lag_percent))
            add(element, "LagFormat", 20 if link.lag_unit.elapsed else 19)
        else:
            add(element, "LinkLag", link.link.lag * 10)
            unit = link.lag_unit if link.lag_unit.elapsed == link.link.lag_elapsed else DurationUnit.MINUTES
            if link.link.lag_elapsed and not unit.elapsed:
                unit = DurationUnit.ELAPSED_MINUTES
            add(element, "LagFormat", FORMAT_CODES[unit])
    for field_id, value in item.custom_fields.items():
        attribute = add(node, "ExtendedAttribute", None)
        add(attribute, "FieldID", field_id)
        add(attribute, "Value", value)
    for baseline in item.baselines:
        element = add(node, "Baseline", None)
        add(element, "Number", baseline.number)
        if baseline.start:
            add(element, "Start", _when(baseline.start))
        if baseline.finish:
            add(element, "Finish", _when(baseline.finish))
        if baseline.duration is not None:
            add(element, "Duration", format_duration(baseline.duration))
        if baseline.work is not None:
            add(element, "Work", format_duration(baseline.work))
        if baseline.cost is not None:
            add(element, "Cost", baseline.cost)
