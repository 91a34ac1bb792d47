"""The lessons benchmark, in its own throwaway database: ``python bench/lessons.py 20000`` makes 60
projects (each described in a PMO's usual words) and that many published lessons (texts drawn
from the same words, in bulk), then
times, outside the pages, the first suggestion after a change to the library (the index fitted:
``selectors.lesson_index``) and the suggestions for a project once it is fitted
(``selectors.suggestions``, as a project's page asks them), with their queries. Prints one JSON
line. ``bench/run.py lessons`` runs it."""

import json
import random
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.measure import start  # noqa: E402

start("lessons")

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.data import grow_register, register_user  # noqa: E402
from bench.measure import query_count, timed_s  # noqa: E402

PROJECTS = 60
REPEATS = 15
rng = random.Random(20261206)
WORDS = (  # noqa: SIM905
    "supplier contract data migration testing training go-live budget forecast scope creep "
    "requirements stakeholder engagement sponsor board decision risk issue dependency resourcing "
    "capacity vendor cloud network security audit benefits realisation handover support licence "
    "procurement schedule slippage milestone estimate change control governance quality defect "
    "integration interface legacy system cutover rehearsal communication training backlog sprint "
    "velocity acceptance criteria user research"
).split()


def grow_lessons(count: int) -> None:
    from pmo.lessons.choices import LessonCategory, LessonStatus
    from pmo.lessons.models import Lesson
    from pmo.portfolio.models import Project

    projects = list(Project.objects.all())
    for project in projects:  # a project's words, for its suggestions to find
        project.description = " ".join(rng.choice(WORDS) for _ in range(30))
    Project.objects.bulk_update(projects, ["description"])
    categories = list(LessonCategory.values)
    today = timezone.localdate()

    def text(n: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(n))

    Lesson.objects.bulk_create(
        [
            Lesson(
                project=(project := rng.choice(projects)),
                title=text(6),
                event=text(40),
                effect=text(20),
                cause=text(20),
                recommendation=text(25),
                category=rng.choice(categories),
                tags=", ".join(sorted({rng.choice(WORDS) for _ in range(3)})),
                department_id=project.department_id,
                methodology=project.methodology,
                status=LessonStatus.PUBLISHED,
                logged_on=today,
            )
            for _ in range(count)
        ],
        batch_size=2000,
    )


def main(count: int) -> dict[str, object]:
    from django.db import connection

    from pmo.lessons import selectors

    call_command("migrate", verbosity=0)
    grow_register(PROJECTS)
    grow_lessons(count)
    user = register_user()
    projects = list(selectors.Project.objects.select_related("stage").order_by("pk")[:REPEATS])
    _, fit_wall, fit_cpu = timed_s(lambda: selectors.suggestions(user=user, project=projects[0]))
    runs = [timed_s(lambda p=project: selectors.suggestions(user=user, project=p)) for project in projects]
    found = selectors.suggestions(user=user, project=projects[0])
    return {
        "vendor": connection.vendor,
        "lessons": count,
        "fit": {"wall": fit_wall, "cpu": fit_cpu},
        "suggest": {
            "wall": statistics.median(run[1] for run in runs),
            "cpu": statistics.median(run[2] for run in runs),
            "queries": query_count(lambda: selectors.suggestions(user=user, project=projects[0])),
            "shown": len(found),
        },
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]))))
