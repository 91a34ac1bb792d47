"""What needs a board, read from the live portfolio: the feeds a meeting's agenda is built from.

Each feed reads one part of the portfolio through its app's selectors (so what the builder may
not see stays off the agenda) and proposes agenda items, each naming its record by a
``key`` ("gate_review:7") so a rebuilt agenda never lists a record twice:

- ``exception``: open exceptions (``pmo.reporting``), with the exception report as the paper;
- ``gate_review``: gate reviews in review that the board decides (governance's own);
- ``risk`` and ``issue``: open risks and issues escalated beyond their project (``pmo.raid``);
- ``change_request``: change requests awaiting a decision that need the board, judged on the
  change and on the total approved under delegated limits since the board last approved a
  baseline (``pmo.change.selectors.cumulative_changes``);
- ``overdue_action``: open corrective actions (from exceptions), the boards' own actions and
  escalated actions past their due date.

Every feed runs a fixed number of queries, whatever the size of the portfolio (bench:
``bench/agenda.py``).

New demand is not in the product yet. The demand review's agenda is where it belongs: when the
demand app exists, it adds a source to ``AgendaSource`` and ``AGENDA_FEEDS`` and registers its
feed here with ``@agenda_feed`` — nothing else changes."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q

from pmo.change import selectors as change_selectors
from pmo.change.choices import DECIDABLE, Authority
from pmo.core.formatting import money, signed_days, signed_money
from pmo.governance.choices import AgendaSource, GateAuthority, ReviewStatus
from pmo.governance.models import Board, GateReview
from pmo.raid import selectors as raid_selectors
from pmo.raid.choices import ActionSource
from pmo.raid.models import Action, Issue, Risk
from pmo.reporting import selectors as reporting_selectors
from pmo.reporting.choices import ExceptionStatus


@dataclass(frozen=True)
class Proposed:
    """An item a feed proposes for the agenda."""

    source: str
    key: str
    title: str
    paper: str = ""
    paper_url: str = ""
    project_id: int | None = None
    gate_review_id: int | None = None
    change_request_id: int | None = None
    exception_id: int | None = None


Feed = Callable[[Board, Any, date], list[Proposed]]
FEEDS: dict[str, Feed] = {}


def agenda_feed(source: str) -> Callable[[Feed], Feed]:
    """Register ``function(board, user, today)`` as the feed of ``source``."""

    def register(function: Feed) -> Feed:
        FEEDS[source] = function
        return function

    return register


def project_scope(board: Board, path: str = "project") -> Q:
    """The records of the projects the board oversees: its project, its portfolio's, or all."""
    if board.project_id is not None:
        return Q(**{f"{path}_id": board.project_id})
    if board.portfolio_id is not None:
        return Q(**{f"{path}__portfolio_id": board.portfolio_id})
    return Q()


def raid_scope(board: Board) -> Q:
    """The RAID items the board oversees: of its projects, and of its portfolio's programmes and
    own register."""
    if board.project_id is not None or board.portfolio_id is None:
        return project_scope(board)
    p = board.portfolio_id
    return Q(project__portfolio_id=p) | Q(programme__portfolio_id=p) | Q(portfolio_id=p)


def _cut(text: str, limit: int = 600) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@agenda_feed(AgendaSource.EXCEPTION)
def open_exceptions(board: Board, user: Any, today: date) -> list[Proposed]:
    found = (
        reporting_selectors.exception_list(user=user)
        .exclude(status=ExceptionStatus.DECIDED)
        .filter(project_scope(board))
        .order_by("raised_at", "pk")
    )
    items = []
    for exc in found:
        paper = [f"In breach: {exc.dimensions}. {exc.breach_summary}"]
        if exc.status == ExceptionStatus.REPORT_SUBMITTED:
            paper += [
                f"Cause: {exc.cause}",
                f"Options: {exc.options}",
                f"Recommendation: {exc.recommendation}",
            ]
        else:
            paper.append(f"Exception report: {exc.get_status_display().lower()}.")
        items.append(
            Proposed(
                AgendaSource.EXCEPTION,
                f"exception:{exc.pk}",
                f"Exception {exc.reference}: {exc.project.code} {exc.project.name}",
                _cut("\n".join(paper), 2000),
                exc.get_absolute_url(),
                project_id=exc.project_id,
                exception_id=exc.pk,
            )
        )
    return items


@agenda_feed(AgendaSource.GATE_REVIEW)
def gate_reviews_for_the_board(board: Board, user: Any, today: date) -> list[Proposed]:
    found = (
        GateReview.objects.restrict(user, "view")
        .filter(project_scope(board), status=ReviewStatus.IN_REVIEW, authority=GateAuthority.BOARD)
        .select_related("project", "gate__stage")
        .order_by("opened_on", "pk")
    )
    return [
        Proposed(
            AgendaSource.GATE_REVIEW,
            f"gate_review:{review.pk}",
            f"Gate decision {review.reference}: {review.project.code} at {review.gate}",
            _cut(
                f"{review.project} asks to pass {review.gate} (opened {review.opened_on:%-d %b %Y}). "
                f"The board decides: go, go with conditions, hold or stop."
            ),
            review.get_absolute_url(),
            project_id=review.project_id,
            gate_review_id=review.pk,
        )
        for review in found
    ]


def _escalated(model: type[Risk] | type[Issue], source: str, board: Board, user: Any) -> list[Proposed]:
    found = (
        raid_selectors.open_items(raid_selectors.item_list(model, user=user))
        .filter(raid_scope(board))
        .exclude(escalated_to="")
        .order_by("escalated_at", "pk")
    )
    noun = "Risk" if model is Risk else "Issue"
    items = []
    for item in found:
        where = item.project.code if item.project else str(item.home)
        level = item.get_escalated_to_display().lower()
        paper = f"{item.description} Escalated to the {level}: {item.escalation_note}"
        items.append(
            Proposed(
                source,
                f"{source}:{item.pk}",
                f"{noun} {item.reference} ({where}): {item.title}",
                _cut(paper),
                item.get_absolute_url(),
                project_id=item.project_id,
            )
        )
    return items


@agenda_feed(AgendaSource.RISK)
def escalated_risks(board: Board, user: Any, today: date) -> list[Proposed]:
    return _escalated(Risk, AgendaSource.RISK, board, user)


@agenda_feed(AgendaSource.ISSUE)
def escalated_issues(board: Board, user: Any, today: date) -> list[Proposed]:
    return _escalated(Issue, AgendaSource.ISSUE, board, user)


@agenda_feed(AgendaSource.CHANGE_REQUEST)
def changes_for_the_board(board: Board, user: Any, today: date) -> list[Proposed]:
    waiting = list(
        change_selectors.change_request_list(user=user)
        .filter(project_scope(board), status__in=DECIDABLE)
        .order_by("raised_on", "pk")
    )
    judged = (
        change_selectors.cumulative_changes(waiting, change_selectors.change_settings()) if waiting else {}
    )
    items = []
    for change in waiting:
        cumulative = judged[change.pk]
        if cumulative.authority != Authority.BOARD:
            continue
        impact = f"{signed_days(change.impact_days)}, {signed_money(change.impact_cost)}"
        paper = f"{change.description} Impact: {impact}."
        if cumulative.raised_by_the_total:
            paper += (
                f" With the changes approved since ({cumulative.references}): "
                f"{signed_days(cumulative.days)} and {money(cumulative.cost)} in all."
            )
        if change.recommendation:
            paper += f" Recommendation: {change.recommendation}"
        items.append(
            Proposed(
                AgendaSource.CHANGE_REQUEST,
                f"change_request:{change.pk}",
                f"Change {change.reference} ({change.project.code}): {change.title}",
                _cut(paper),
                change.get_absolute_url(),
                project_id=change.project_id,
                change_request_id=change.pk,
            )
        )
    return items


@agenda_feed(AgendaSource.OVERDUE_ACTION)
def overdue_actions(board: Board, user: Any, today: date) -> list[Proposed]:
    watched = Q(source__in=[ActionSource.EXCEPTION, ActionSource.MEETING]) | ~Q(escalated_to="")
    found = (
        raid_selectors.past_due(raid_selectors.item_list(Action, user=user), today=today)
        .filter(raid_scope(board))
        .filter(watched)
        .order_by("due", "pk")
    )
    return [
        Proposed(
            AgendaSource.OVERDUE_ACTION,
            f"overdue_action:{action.pk}",
            f"Overdue action {action.reference} ({action.project.code if action.project else action.home}): "
            f"{action.title}",
            _cut(
                f"Owner {action.owner}; due {action.due:%-d %b %Y}"
                + (f"; from {action.source_reference}" if action.source_reference else "")
                + "."
            ),
            action.get_absolute_url(),
            project_id=action.project_id,
        )
        for action in found
    ]


def proposals(board: Board, user: Any, today: date) -> list[Proposed]:
    """Everything the board's feeds propose now, feed by feed in the board's order."""
    found: list[Proposed] = []
    for source in board.active_feeds:
        feed = FEEDS.get(source)
        if feed is not None:
            found.extend(feed(board, user, today))
    return found
