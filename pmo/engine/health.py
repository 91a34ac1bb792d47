"""Health check scores: per area and overall, as a percent of the maximum the answered questions
could score. An unanswered question is stated (``unanswered``), never counted as zero; an area
with no answer has no score (None), not 0 %. And the portfolio's weakest areas: each area's
average over the latest check of each project, with the projects scoring lowest in it."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Answered:
    """One question of a check: its area and its score (None: not answered)."""

    area: str
    score: int | None


@dataclass(frozen=True)
class Score:
    """An area's (or the whole check's) score."""

    name: str
    percent: float | None  # None: no question answered
    answered: int
    unanswered: int

    @property
    def questions(self) -> int:
        return self.answered + self.unanswered


@dataclass(frozen=True)
class CheckScore:
    areas: tuple[Score, ...]  # in the order the areas were first met
    overall: Score


def _percent(total: int, answered: int, maximum: int) -> float | None:
    if not answered:
        return None
    return round(float(Fraction(total * 100, answered * maximum)), 1)


def _score(name: str, scores: list[int | None], maximum: int) -> Score:
    given = [s for s in scores if s is not None]
    return Score(name, _percent(sum(given), len(given), maximum), len(given), len(scores) - len(given))


def check_score(answers: Iterable[Answered], maximum: int) -> CheckScore:
    """The score of each area and of the whole check, ``maximum`` being the top of the scale.
    The overall score is over every answered question (an area of many questions weighs more
    than one of few), not the average of the areas'."""
    if maximum < 1:
        raise ValueError("The top of the scale must be at least 1.")
    by_area: dict[str, list[int | None]] = {}
    for answer in answers:
        if answer.score is not None and not 0 <= answer.score <= maximum:
            raise ValueError(f"A score of {answer.score} is outside the scale 0–{maximum}.")
        by_area.setdefault(answer.area, []).append(answer.score)
    areas = tuple(_score(name, scores, maximum) for name, scores in by_area.items())
    everything = [score for scores in by_area.values() for score in scores]
    return CheckScore(areas, _score("Overall", everything, maximum))


@dataclass(frozen=True)
class WeakArea:
    """An area across the portfolio: its average over the projects scored in it, and the
    projects scoring lowest in it (lowest first)."""

    area: str
    average: float
    projects: int
    lowest: tuple[tuple[str, float], ...]


def weakest_areas(latest: Mapping[str, Mapping[str, float | None]], lowest: int = 3) -> list[WeakArea]:
    """``latest``: each project's latest check, area → percent. The areas weakest first (lowest
    average; an area nobody was scored in is left out), each with its ``lowest`` projects."""
    by_area: dict[str, list[tuple[float, str]]] = {}
    for project, areas in latest.items():
        for area, percent in areas.items():
            if percent is not None:
                by_area.setdefault(area, []).append((percent, project))
    found = [
        WeakArea(
            area,
            round(sum(p for p, _ in scored) / len(scored), 1),
            len(scored),
            tuple((project, percent) for percent, project in sorted(scored)[:lowest]),
        )
        for area, scored in by_area.items()
    ]
    return sorted(found, key=lambda weak: (weak.average, weak.area))
