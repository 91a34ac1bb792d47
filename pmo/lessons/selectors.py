"""Reads of lessons learned, restricted to what the user may see: the library, a project's
lessons and the lessons it applied, the suggestions for a project (``pmo.engine.lessons``), and
the portfolio's themes."""

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from pmo.core.restrict import restriction, through
from pmo.engine.lessons import LessonFacts, LessonIndex, ProjectFacts, Suggestion, why
from pmo.lessons.choices import CATEGORY_OF_RISK, LessonCategory, LessonStatus
from pmo.lessons.models import Lesson, LessonApplication
from pmo.portfolio.choices import Methodology, ProjectStatus
from pmo.portfolio.models import LifecycleStage, Project
from pmo.raid import selectors as raid_selectors
from pmo.raid.models import Issue, Risk

LESSON_RELATIONS = ("project", "project__sponsor", "project__project_manager", "department", "logged_by")
SUGGESTIONS_SHOWN = 5
# Candidates read from the index for each suggestion shown: room for those the reader may not see.
CANDIDATES = 5


def lesson_list(*, user: Any, project: Project | None = None) -> QuerySet[Lesson]:
    """The lessons ``user`` may see (one project's where named), each with how often it was applied."""
    found = (
        Lesson.objects.restrict(user, "view")
        .select_related(*LESSON_RELATIONS)
        .annotate(
            applied_count=Count(
                "applications",
                filter=through("applications__project", restriction(Project, user)),
                distinct=True,
            )
        )
    )
    return found.filter(project=project) if project is not None else found


def lesson_get(*, user: Any, pk: int) -> Lesson:
    """One lesson; raises Lesson.DoesNotExist when missing or hidden."""
    return lesson_list(user=user).get(pk=pk)


def tagged(tag: str) -> Q:
    """Lessons carrying ``tag`` (tags are stored "a, b, c")."""
    tag = " ".join(tag.split()).lower()
    return (
        Q(tags__iexact=tag)
        | Q(tags__istartswith=f"{tag},")
        | Q(tags__iendswith=f", {tag}")
        | Q(tags__icontains=f", {tag},")
    )


def applications_of(
    *, user: Any, lesson: Lesson | None = None, project: Project | None = None
) -> QuerySet[LessonApplication]:
    """Where a lesson was applied, or what a project applied (what ``user`` may see of them)."""
    found = (
        LessonApplication.objects.restrict(user, "view")
        .filter(lesson__in=lesson_list(user=user).values("pk"))
        .select_related("lesson", "project", "applied_by")
    )
    if lesson is not None:
        found = found.filter(lesson=lesson)
    if project is not None:
        found = found.filter(project=project)
    return found


def closing_without_lessons(*, manager_id: int) -> QuerySet[Project]:
    """The active projects ``manager_id`` manages that are in the lifecycle's last stage (by its
    order, whatever the PMO named it) with no lesson logged from them yet: one query."""
    last_stage = LifecycleStage.objects.order_by("-order").values("order")[:1]
    return (
        Project.objects.filter(
            project_manager_id=manager_id, status=ProjectStatus.ACTIVE, stage__order=Subquery(last_stage)
        )
        .filter(~Exists(Lesson.objects.filter(project=OuterRef("pk"))))
        .order_by("code")
    )


# Suggestions -----------------------------------------------------------------------------------

_index: dict[str, Any] = {"key": None, "index": None}
GENERATION = "lessons:index-generation"


def index_changed() -> None:
    """Once the current transaction commits, have every process fit the library again."""

    def bump() -> None:
        cache.add(GENERATION, 0, timeout=None)
        cache.incr(GENERATION)

    transaction.on_commit(bump)


def forget_index() -> None:
    """Drop the fitted library, here and for every process (tests start from a clean one)."""
    cache.delete(GENERATION)
    _index.update(key=None, index=None)


def lesson_index() -> LessonIndex:
    """The published library fitted for suggestions, kept in the process until a lesson is
    added, changed, published or retired (``index_changed``, ADR 0059)."""
    key = cache.get_or_set(GENERATION, 0, timeout=None)
    if _index["key"] != key or _index["index"] is None:
        published = Lesson.objects.filter(status=LessonStatus.PUBLISHED)
        fields = (
            "pk",
            "title",
            "event",
            "effect",
            "cause",
            "early_warnings",
            "recommendation",
            "tags",
            "category",
            "department_id",
            "methodology",
        )
        rows = published.order_by("pk").values_list(*fields)
        facts = [LessonFacts(row[0], " ".join(row[1:8]), row[8], row[9], row[10]) for row in rows]
        _index.update(key=key, index=LessonIndex(facts))
    return _index["index"]


def next_stage(project: Project) -> LifecycleStage | None:
    """The stage the project enters at its next gate (None at the last)."""
    return LifecycleStage.objects.filter(order__gt=project.stage.order).order_by("order").first()


def project_facts(project: Project) -> ProjectFacts:
    """What a project is judged on: its name and description, its current stage and the next
    (the gate it is heading for), the titles of its open risks and issues, and its concerns (its
    open risks' categories as lesson categories)."""
    risks = list(
        raid_selectors.open_items(Risk.objects.filter(project=project)).values_list("title", "category")
    )
    issues = list(
        raid_selectors.open_items(Issue.objects.filter(project=project)).values_list("title", flat=True)
    )
    stages = [project.stage, *filter(None, [next_stage(project)])]
    words = [f"{stage.name} {stage.gate_name} {stage.description}" for stage in stages]
    text = " ".join([project.name, project.description, *words, *(t for t, _ in risks), *issues])
    categories = frozenset(CATEGORY_OF_RISK[c] for _, c in risks if c in CATEGORY_OF_RISK)
    return ProjectFacts(text, categories, project.department_id, project.methodology)


@dataclass(frozen=True)
class Suggested:
    """A lesson suggested to a project, with why."""

    lesson: Lesson
    suggestion: Suggestion

    @property
    def why(self) -> str:
        """Why, in the words users read: the category's and methodology's labels, not codes."""
        return why(
            self.suggestion, categories=dict(LessonCategory.choices), methodologies=dict(Methodology.choices)
        )


def suggestions(*, user: Any, project: Project, limit: int = SUGGESTIONS_SHOWN) -> list[Suggested]:
    """The published lessons most relevant to ``project`` now (its current stage, its open risks
    and issues), that ``user`` may see, not its own and not already applied, best first."""
    applied = LessonApplication.objects.filter(project=project).values_list("lesson_id", flat=True)
    own = Lesson.objects.filter(project=project).values_list("pk", flat=True)
    found = lesson_index().suggest(project_facts(project), limit=limit * CANDIDATES, exclude={*applied, *own})
    lessons = (
        lesson_list(user=user).filter(status=LessonStatus.PUBLISHED).in_bulk([s.lesson_id for s in found])
    )
    return [Suggested(lessons[s.lesson_id], s) for s in found if s.lesson_id in lessons][:limit]


# Themes ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Themes:
    """The library across the portfolio: by category and quarter, the most frequent tags, the
    categories many projects logged lessons in, and the most applied lessons."""

    by_category: list[tuple[str, int]]
    by_quarter: list[tuple[str, int]]
    tags: list[tuple[str, int]]
    recurring: list[tuple[str, int]]
    most_applied: list[Lesson]


RECURRING_PROJECTS = 3
TOP = 10


def themes(*, user: Any) -> Themes:
    """The themes of the published lessons ``user`` may see: four queries whatever their number."""
    published = Lesson.objects.restrict(user, "view").filter(status=LessonStatus.PUBLISHED)
    labels = dict(Lesson._meta.get_field("category").choices)  # type: ignore[arg-type]
    by_category = [
        (labels.get(row["category"], row["category"]), row["n"])
        for row in published.values("category").annotate(n=Count("pk")).order_by("-n", "category")
    ]
    quarters: Counter[str] = Counter()
    tags: Counter[str] = Counter()
    for logged_on, tag_text in published.values_list("logged_on", "tags"):
        quarters[f"{logged_on.year} Q{(logged_on.month - 1) // 3 + 1}"] += 1
        tags.update(t.strip() for t in tag_text.split(",") if t.strip())
    recurring = [
        (labels.get(row["category"], row["category"]), row["projects"])
        for row in published.values("category")
        .annotate(projects=Count("project", distinct=True))
        .filter(projects__gte=RECURRING_PROJECTS)
        .order_by("-projects", "category")
    ]
    most_applied = list(
        lesson_list(user=user)
        .filter(status=LessonStatus.PUBLISHED)
        .filter(Q(applied_count__gt=0))
        .order_by("-applied_count", "pk")[:TOP]
    )
    return Themes(by_category, sorted(quarters.items()), tags.most_common(TOP), recurring, most_applied)
