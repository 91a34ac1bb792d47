"""The agenda benchmark, in its own throwaway database: ``python bench/agenda.py 60`` makes that
many projects, each with what brings it before an IT Portfolio Review (an open exception, an
escalated risk and issue, a change request beyond its tolerances, a gate review the board
decides, an overdue corrective action, all in bulk), then times the build of a meeting's agenda
from the live portfolio (``services_boards.meeting_agenda_build``, undone after each run) and
counts its queries. Prints one JSON line. ``bench/run.py agenda`` runs it."""

import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.measure import start  # noqa: E402

start("agenda")

import datetime as dt  # noqa: E402

from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.data import grow_board_business, grow_register  # noqa: E402
from bench.measure import query_count, timed_s  # noqa: E402

REPEATS = 15


class Undone(Exception):
    """Raised to roll a timed build back, so every run builds the whole agenda."""


def main(size: int) -> dict[str, object]:
    from pmo.core.choices import Role
    from pmo.core.models import User
    from pmo.governance import services_boards as services
    from pmo.governance.choices import BoardKind

    call_command("migrate", verbosity=0)
    grow_register(size)
    today = timezone.localdate()
    grow_board_business(today)
    officer, _ = User.objects.get_or_create(username="bench-officer")
    officer.groups.add(Group.objects.get(name=Role.PMO_OFFICER.label))
    board = services.board_create(
        actor=None, fields={"name": "IT Portfolio Review", "kind": BoardKind.PORTFOLIO_REVIEW, "quorum": 3}
    )
    meeting = services.meeting_schedule(
        actor=None, board=board, starts_at=timezone.now() + dt.timedelta(days=7)
    )

    def build() -> int:
        try:
            with transaction.atomic():
                added = services.meeting_agenda_build(actor=officer, meeting=meeting)
                raise Undone(len(added))
        except Undone as done:
            return int(done.args[0])

    items = build()
    runs = [timed_s(build) for _ in range(REPEATS)]
    return {
        "vendor": connection.vendor,
        "projects": size,
        "items": items,
        "wall": statistics.median(run[1] for run in runs),
        "cpu": statistics.median(run[2] for run in runs),
        "queries": query_count(build),
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]))))
