"""Early warning: what a seasoned analyst sees in a project's reports before a tolerance breaks.

Each rule reads a project's history (its reports oldest first, its tolerance allowances, what it
waits on from other projects) and gives signals, each with a kind, a weight (1 watch, 2 warning,
3 serious) and a one-line reason:

- **milestone slip** (milestone trend analysis): a milestone whose forecast moved later in at
  least ``slip_reports`` reports running, or whose slip over that run uses at least
  ``slip_share`` of the time tolerance;
- **cost creep**: the cost forecast rising in ``creep_reports`` reports running, or by at least
  ``creep_share`` of the cost tolerance over the run;
- **confidence falling**: the declared confidence worse in ``confidence_falls`` reports with no
  recovery between;
- **late reports**: at least ``late_reports`` of the last ``late_window`` reports already due were
  handed in late or not at all (a report not yet due never counts);
- **dependency**: a project it waits on is forecast at least ``dependency_days`` after the date
  it is needed by; the risk is inherited, named;
- **RAID left alone**: open RAID items not reviewed for ``raid_stale_days`` or more, or past their
  date by ``raid_overdue_days`` or more, weighed by severity and age (``neglect_points``): a low
  risk unreviewed or an action a few days over counts little or nothing, a high risk ignored for
  months a lot; the points add up to ``raid_points`` before the rule speaks.

The rules are monotone: more slip, more creep, more falls, more late reports, a later provider,
or a RAID item more severe, older or added never lower a signal, and a flat history gives none.
The trends read the reports handed in (a missing report counts as late, not as a break in a
run).
"""

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum

from pmo.engine.evidence import Rating

WATCH, WARNING, SERIOUS = 1, 2, 3


class Kind(StrEnum):
    MILESTONE_SLIP = "milestone_slip"
    COST_CREEP = "cost_creep"
    CONFIDENCE_FALLING = "confidence_falling"
    LATE_REPORTS = "late_reports"
    DEPENDENCY = "dependency"
    RAID_NEGLECT = "raid_neglect"


KIND_LABELS = {
    Kind.MILESTONE_SLIP: "Milestone slipping",
    Kind.COST_CREEP: "Cost creeping up",
    Kind.CONFIDENCE_FALLING: "Confidence falling",
    Kind.LATE_REPORTS: "Reports late again",
    Kind.DEPENDENCY: "Waits on a late project",
    Kind.RAID_NEGLECT: "RAID left alone",
}
WEIGHT_LABELS = {WATCH: "watch", WARNING: "warning", SERIOUS: "serious"}


@dataclass(frozen=True)
class Thresholds:
    """Where each rule starts to speak (set by the PMO in the reporting settings)."""

    slip_reports: int = 3
    slip_share: Decimal = Decimal("0.5")
    creep_reports: int = 3
    creep_share: Decimal = Decimal("0.5")
    confidence_falls: int = 2
    late_reports: int = 3
    late_window: int = 6
    dependency_days: int = 14
    raid_stale_days: int = 30  # the RAID settings' stale period
    raid_overdue_days: int = 14
    raid_points: int = 12  # a high item unreviewed for three stale periods, or several medium ones


@dataclass(frozen=True)
class Report:
    """One period's highlight report as the trends read it. ``handed_in`` is None when the report
    was never submitted; ``confidence`` is the declared overall rating (worse is higher)."""

    due: date
    handed_in: date | None = None
    forecast_cost: Decimal | None = None
    confidence: Rating | None = None
    milestones: Mapping[str, date] = field(default_factory=dict)  # not yet achieved: name -> forecast


@dataclass(frozen=True)
class WaitsOn:
    """Something the project needs from another project by a date, and when that project is
    forecast to deliver (its latest forecast finish)."""

    provider: str  # the providing project's code
    need_by: date
    forecast: date | None
    reference: str = ""  # the dependency's own reference, e.g. DEP-12
    task: str = ""  # the provider's plan task that delivers it, when tied to plans


LOW, MEDIUM, HIGH = 1, 2, 3
SEVERITY_WORDS = {LOW: "low", MEDIUM: "medium", HIGH: "high"}
SEVERITY_POINTS = {LOW: 1, MEDIUM: 2, HIGH: 4}  # a high item counts as four low ones
MOST_AGE_STEPS = 4  # an item counts at most four steps of age: one ancient item is not a trend


@dataclass(frozen=True)
class RaidItem:
    """An open RAID item as early warning weighs it: how severe (``LOW``, ``MEDIUM``, ``HIGH``),
    how long since it was last reviewed (or raised), and how long past its date (0: not past)."""

    reference: str  # RSK-12
    severity: int = MEDIUM
    unreviewed_days: int = 0
    overdue_days: int = 0


@dataclass(frozen=True)
class History:
    reports: Sequence[Report] = ()  # oldest first, one per period
    time_allowance_days: Decimal | None = None  # the time tolerance, in days
    cost_allowance: Decimal | None = None  # the cost tolerance, in money
    waits_on: Sequence[WaitsOn] = ()
    raid: Sequence[RaidItem] = ()  # open items


@dataclass(frozen=True)
class Signal:
    kind: Kind
    weight: int
    reason: str
    subject: str = ""  # the milestone or project the signal is about, if any

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def level(self) -> str:
        return WEIGHT_LABELS[self.weight]


def _rising_run(values: Sequence[Decimal | None]) -> tuple[int, Decimal]:
    """How many of the last steps rose without a break, and by how much in all."""
    run, total = 0, Decimal(0)
    for before, after in zip(reversed(values[:-1]), reversed(values[1:]), strict=True):
        if before is None or after is None or after <= before:
            break
        run += 1
        total += after - before
    return run, total


def _weight(run: int, needed_run: int, amount: Decimal, allowance: Decimal | None, share: Decimal) -> int:
    """0 when neither the run nor the amount reaches its threshold; else watch, warning when both
    do (or the run is twice as long), serious when the amount alone would use the whole tolerance."""
    by_run = needed_run > 0 and run >= needed_run
    by_amount = bool(allowance) and amount > 0 and amount >= share * allowance  # type: ignore[operator]
    if not (by_run or by_amount):
        return 0
    if allowance and amount >= allowance:
        return SERIOUS
    if (by_run and by_amount) or (needed_run > 0 and run >= 2 * needed_run):
        return WARNING
    return WATCH


def _share(amount: Decimal, allowance: Decimal | None) -> str:
    if not allowance:
        return ""
    return f" ({amount / allowance:.0%} of the tolerance)"


def _reports(count: int) -> str:
    return f"{count} report{'' if count == 1 else 's'}"


def _handed_in(history: History) -> list[Report]:
    return [report for report in history.reports if report.handed_in is not None]


def milestone_slips(history: History, thresholds: Thresholds) -> Iterator[Signal]:
    reports = _handed_in(history)
    names = sorted({name for report in reports for name in report.milestones})
    for name in names:
        days = [
            Decimal(report.milestones[name].toordinal()) if name in report.milestones else None
            for report in reports
        ]
        run, slip = _rising_run(days)
        weight = _weight(
            run, thresholds.slip_reports, slip, history.time_allowance_days, thresholds.slip_share
        )
        if weight:
            yield Signal(
                Kind.MILESTONE_SLIP,
                weight,
                f"{name} forecast later in {_reports(run)} running, {int(slip)} days in all"
                + _share(slip, history.time_allowance_days),
                name,
            )


def cost_creep(history: History, thresholds: Thresholds) -> Iterator[Signal]:
    run, rise = _rising_run([report.forecast_cost for report in _handed_in(history)])
    weight = _weight(run, thresholds.creep_reports, rise, history.cost_allowance, thresholds.creep_share)
    if weight:
        yield Signal(
            Kind.COST_CREEP,
            weight,
            f"cost forecast up in {_reports(run)} running, £{rise:,.0f} in all"
            + _share(rise, history.cost_allowance),
        )


def confidence_falling(history: History, thresholds: Thresholds) -> Iterator[Signal]:
    """Falls counted back from the latest report until confidence last improved."""
    ratings = [report.confidence for report in _handed_in(history) if report.confidence is not None]
    falls, start = 0, len(ratings) - 1
    for index in range(len(ratings) - 1, 0, -1):
        if ratings[index] < ratings[index - 1]:
            break
        start = index - 1
        falls += ratings[index] > ratings[index - 1]
    if thresholds.confidence_falls <= 0 or falls < thresholds.confidence_falls:
        return
    latest = ratings[-1]
    weight = SERIOUS if latest >= Rating.RED else WARNING if latest >= Rating.AMBER_RED else WATCH
    weight = max(weight, WARNING if falls >= 2 * thresholds.confidence_falls else WATCH)
    yield Signal(
        Kind.CONFIDENCE_FALLING,
        weight,
        f"confidence down in {_reports(falls)} without recovering, "
        f"{ratings[start].name.lower().replace('_', '/')} to {latest.name.lower().replace('_', '/')}",
    )


def late_reports(history: History, as_of: date, thresholds: Thresholds) -> Iterator[Signal]:
    owed = [report for report in history.reports if report.due < as_of][-thresholds.late_window :]
    late = [r for r in owed if r.handed_in is None or r.handed_in > r.due]
    needed = thresholds.late_reports
    if needed <= 0 or len(late) < needed:
        return
    missing = sum(r.handed_in is None for r in late)
    weight = (
        SERIOUS
        if len(late) == len(owed) and len(late) >= needed + 1
        else WARNING
        if len(late) >= needed + 2
        else WATCH
    )
    extra = f", {missing} never handed in" if missing else ""
    yield Signal(Kind.LATE_REPORTS, weight, f"{len(late)} of the last {_reports(len(owed))} late{extra}")


def dependencies(history: History, thresholds: Thresholds) -> Iterator[Signal]:
    for waits in sorted(history.waits_on, key=lambda w: (w.provider, w.need_by)):
        if waits.forecast is None:
            continue
        gap = (waits.forecast - waits.need_by).days
        step = max(thresholds.dependency_days, 1)
        if gap < thresholds.dependency_days or gap <= 0:
            continue
        weight = SERIOUS if gap >= 4 * step else WARNING if gap >= 2 * step else WATCH
        late = f"{gap // 7} weeks" if gap >= 14 else f"{gap} day{'' if gap == 1 else 's'}"
        what = f"{waits.provider}'s {waits.task}" if waits.task else waits.provider
        yield Signal(Kind.DEPENDENCY, weight, f"waits on {what}, forecast {late} after need", waits.provider)


UNSEEN_PROVIDER = "a project you cannot see"


def provider_unnamed(signal: Signal) -> Signal:
    """A dependency signal as told to a reader who may not see the project it waits on: the
    same weight and lateness, the provider not named ("waits on a project you cannot see,
    forecast 6 weeks after need"). Any other signal is returned as it is."""
    named = f"waits on {signal.subject}"
    if signal.kind is not Kind.DEPENDENCY or not signal.subject or not signal.reason.startswith(named):
        return signal
    # the provider, and the task of its plan if named ("waits on IT-131's Data migration, …")
    _, comma, rest = signal.reason.rpartition(", forecast ")
    if not comma:
        return replace(signal, reason=f"waits on {UNSEEN_PROVIDER}", subject="")
    return replace(signal, reason=f"waits on {UNSEEN_PROVIDER}, forecast {rest}", subject="")


def _steps(days: int, step: int) -> int:
    return days // step if step > 0 and days > 0 else 0


def neglect_points(item: RaidItem, thresholds: Thresholds) -> int:
    """How much one open item weighs: its severity's points times its age in steps (whole stale
    periods unreviewed, or whole ``raid_overdue_days`` past its date, whichever is more, at most
    ``MOST_AGE_STEPS``). Nothing before a first step: an item reviewed within the stale period
    and not a step past its date weighs nothing, however severe."""
    age = max(
        _steps(item.unreviewed_days, thresholds.raid_stale_days),
        _steps(item.overdue_days, thresholds.raid_overdue_days),
    )
    return SEVERITY_POINTS.get(item.severity, SEVERITY_POINTS[HIGH]) * min(age, MOST_AGE_STEPS)


RAID_NAMED = 3  # the heaviest items a reason names


def _neglect_words(item: RaidItem, thresholds: Thresholds) -> str:
    stale = _steps(item.unreviewed_days, thresholds.raid_stale_days)
    late = _steps(item.overdue_days, thresholds.raid_overdue_days)
    if late >= stale:
        what = f"{item.overdue_days} days past due"
    else:
        what = f"not reviewed in {item.unreviewed_days} days"
    return f"{item.reference} ({SEVERITY_WORDS.get(item.severity, 'high')}, {what})"


def raid_neglect(history: History, thresholds: Thresholds) -> Iterator[Signal]:
    """Open RAID items left alone, weighed by severity and age: watch from ``raid_points``
    points in all, warning from twice that, serious from four times."""
    weighed = sorted(
        ((neglect_points(item, thresholds), item) for item in history.raid),
        key=lambda pair: (-pair[0], pair[1].reference),
    )
    weighed = [(points, item) for points, item in weighed if points > 0]
    total = sum(points for points, _ in weighed)
    needed = thresholds.raid_points
    if needed <= 0 or total < needed:
        return
    weight = SERIOUS if total >= 4 * needed else WARNING if total >= 2 * needed else WATCH
    named = ", ".join(_neglect_words(item, thresholds) for _, item in weighed[:RAID_NAMED])
    more = len(weighed) - RAID_NAMED
    yield Signal(
        Kind.RAID_NEGLECT,
        weight,
        f"RAID items left alone: {named}" + (f" and {more} more" if more > 0 else ""),
    )


def early_warnings(history: History, as_of: date, thresholds: Thresholds = Thresholds()) -> list[Signal]:
    """Every early-warning signal for one project, heaviest first."""
    signals = [
        *milestone_slips(history, thresholds),
        *cost_creep(history, thresholds),
        *confidence_falling(history, thresholds),
        *late_reports(history, as_of, thresholds),
        *dependencies(history, thresholds),
        *raid_neglect(history, thresholds),
    ]
    return sorted(signals, key=lambda s: -s.weight)
