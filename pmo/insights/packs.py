"""A board pack: what a meeting's members read beforehand, from live data in one click.

``board_pack`` gathers it for a meeting: the agenda, a summary of the board's portfolio (the
dashboard's figures, for the projects the reader may see) and a paper for each item (the
exception report, the gate's evidence judged, the change request and its impact, or the item's
own paper). ``pmo.insights.pack_files`` writes it as a PDF and as a PowerPoint deck on the
organisation's template. A meeting with no agenda has no pack (``PackRefused``)."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from pmo.change.models import ChangeRequest
from pmo.core import clock
from pmo.core.formatting import money
from pmo.governance.evidence import Verdict
from pmo.governance.models import GateReview, Meeting
from pmo.governance.selectors import reviews_verdicts
from pmo.governance.selectors_boards import AgendaEntry, meeting_agenda
from pmo.insights.selectors import CELLS, COLUMNS, DashboardFilters, dashboard
from pmo.reporting.models import ProjectException

NO_AGENDA = "{meeting} has no agenda yet: add or build its agenda before making its pack."
NOT_SET = "Not given."


class PackRefused(Exception):
    """Why a meeting has no pack (said to the user as it is)."""


@dataclass(frozen=True)
class Paper:
    """One agenda item's paper: key facts, then titled passages of text, then an optional table."""

    number: int
    title: str
    kind: str
    project: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    passages: list[tuple[str, str]] = field(default_factory=list)
    table: tuple[tuple[str, ...], list[tuple[str, ...]]] | None = None


@dataclass(frozen=True)
class SummaryRow:
    code: str
    name: str
    manager: str
    overall: str
    rating: str  # the rating's value, for colour (never alone: ``overall`` says it in words)
    tolerance: str


@dataclass(frozen=True)
class Pack:
    board: str
    meeting: str
    starts: datetime
    location: str
    made: datetime
    agenda: list[tuple[int, str, str, str]]  # number, title, kind, presenter
    active_projects: int
    ratings: list[tuple[str, int]]  # each overall rating found in words, best first (not reported last)
    open_exceptions: int
    projects: list[SummaryRow]
    papers: list[Paper]

    def fields(self) -> dict[str, str]:
        """The values a template's ``{{ name }}`` placeholders take (PLACEHOLDERS)."""
        local = timezone.localtime(self.starts)
        counts = dict(self.ratings)
        return {
            "board": self.board,
            "meeting": self.meeting,
            "date": f"{local:%-d %B %Y}",
            "time": f"{local:%H:%M}",
            "location": self.location or NOT_SET,
            "items": str(len(self.agenda)),
            "active_projects": str(self.active_projects),
            "open_exceptions": str(self.open_exceptions),
            "red": str(counts.get("Red", 0)),
            "amber": str(counts.get("Amber", 0)),
            "green": str(counts.get("Green", 0)),
            "made": f"{timezone.localtime(self.made):%-d %B %Y %H:%M}",
        }


PLACEHOLDERS = (
    "board",
    "meeting",
    "date",
    "time",
    "location",
    "items",
    "active_projects",
    "open_exceptions",
    "red",
    "amber",
    "green",
    "made",
)


def _text(value: Any) -> str:
    return str(value).strip() if value not in (None, "") else NOT_SET


def _day(value: date | datetime | None) -> str:
    if value is None:
        return NOT_SET
    if isinstance(value, datetime):
        value = timezone.localdate(value)
    return f"{value:%-d %b %Y}"


def _project(entry: AgendaEntry) -> str:
    """The project the item is about (the agenda loads it with the item)."""
    return str(entry.item.project) if entry.item.project else ""


def _exception_paper(entry: AgendaEntry, exception: ProjectException) -> Paper:
    return Paper(
        entry.number,
        entry.item.title,
        "Exception report",
        _project(entry),
        facts=[
            ("Status", exception.get_status_display()),
            ("In breach", exception.dimensions),
            ("Raised", _day(exception.raised_at)),
            ("Exception report due", _day(exception.report_due)),
        ],
        passages=[
            ("The breach", _text(exception.breach_summary)),
            ("Cause", _text(exception.cause)),
            ("Consequences", _text(exception.consequences)),
            ("Options", _text(exception.options)),
            ("Recommendation", _text(exception.recommendation)),
        ],
    )


def _gate_paper(entry: AgendaEntry, review: GateReview, verdicts: list[Verdict]) -> Paper:
    met = sum(v.met for v in verdicts)
    return Paper(
        entry.number,
        entry.item.title,
        "Gate review",
        _project(entry),
        facts=[
            ("Gate", str(review.gate)),
            ("Review", f"{review.reference}, {review.get_status_display().lower()}"),
            ("Decided by", review.get_authority_display()),
            ("Evidence", f"{met} of {len(verdicts)} met"),
        ],
        passages=[("Paper", entry.item.paper)] if entry.item.paper else [],
        table=(
            ("Evidence", "Met", "Why"),
            [(v.evidence.name, "Yes" if v.met else "No", v.reason) for v in verdicts],
        ),
    )


def _change_paper(entry: AgendaEntry, change: ChangeRequest) -> Paper:
    days = f"{change.impact_days:+d} days" if change.impact_days is not None else NOT_SET
    cost = money(change.impact_cost) if change.impact_cost is not None else NOT_SET
    return Paper(
        entry.number,
        entry.item.title,
        "Change request",
        _project(entry),
        facts=[
            ("Request", f"{change.reference}: {change.title}"),
            ("Type", change.get_change_type_display()),
            ("Status", change.get_status_display()),
            ("Impact on time", days),
            ("Impact on cost", cost),
        ],
        passages=[
            ("The change", _text(change.description)),
            ("Why", _text(change.reason)),
            ("Options considered", _text(change.options)),
            ("Recommendation", _text(change.recommendation)),
            *([("Paper", entry.item.paper)] if entry.item.paper else []),
        ],
    )


def _paper(entry: AgendaEntry, verdicts: dict[int, list[Verdict]]) -> Paper:
    item = entry.item
    if item.exception is not None:
        return _exception_paper(entry, item.exception)
    if item.gate_review is not None:
        return _gate_paper(entry, item.gate_review, verdicts[item.gate_review.pk])
    if item.change_request is not None:
        return _change_paper(entry, item.change_request)
    return Paper(
        entry.number,
        item.title,
        item.get_source_display(),
        _project(entry),
        passages=[("Paper", _text(item.paper))],
    )


def board_pack(*, user: Any, meeting: Meeting, today: date | None = None) -> Pack:
    """The pack of ``meeting`` as ``user`` may read it (their items and projects only)."""
    today = today or clock.today()
    agenda = meeting_agenda(user=user, pk=meeting.pk)
    if not agenda.entries:
        raise PackRefused(NO_AGENDA.format(meeting=meeting))
    board = agenda.meeting.board
    reviews = [e.item.gate_review for e in agenda.entries if e.item.gate_review is not None]
    verdicts = reviews_verdicts(reviews, today)
    figures = dashboard(user=user, filters=DashboardFilters(portfolio=board.portfolio_id), today=today)
    overall = COLUMNS.index(("overall", "Overall"))
    counted = Counter(row.cells[overall].label for row in figures.rows)
    labels = [cell.label for cell in CELLS.values()]  # not reported, then best first
    best_first = labels[1:] + labels[:1]
    return Pack(
        board=board.name,
        meeting=str(agenda.meeting),
        starts=agenda.meeting.starts_at,
        location=agenda.meeting.location or board.location,
        made=clock.now(),
        agenda=[
            (
                e.number,
                e.item.title,
                e.item.get_source_display(),
                str(e.item.presenter) if e.item.presenter else "",
            )
            for e in agenda.entries
        ],
        active_projects=len(figures.rows),
        ratings=[(label, counted[label]) for label in best_first if counted[label]],
        open_exceptions=figures.counts.get("open_exceptions", len(figures.exceptions)),
        projects=[
            SummaryRow(
                row.code,
                row.name,
                row.project_manager,
                row.cells[overall].label,
                row.cells[overall].rating,
                row.tolerance,
            )
            for row in figures.rows
        ],
        papers=[_paper(entry, verdicts) for entry in agenda.entries],
    )
