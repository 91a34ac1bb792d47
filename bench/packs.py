"""The board pack benchmark, in its own throwaway database: ``python bench/packs.py 60`` makes
that many projects, each with what brings it before an IT Portfolio Review (``bench.data.
grow_board_business``), builds the meeting's agenda from them, then times the pack made in one
click, as the meeting page's links make it: gathered from live data (``packs.board_pack``) and
written as a PDF (``pack_files.pack_pdf``) and as a PowerPoint deck (``pack_files.pack_pptx``),
with the queries of the gathering. Prints one JSON line. ``bench/run.py packs`` runs it."""

import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.measure import start  # noqa: E402

start("packs")

import datetime as dt  # noqa: E402

from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.data import grow_board_business, grow_register  # noqa: E402
from bench.measure import query_count, timed_s  # noqa: E402

REPEATS = 3


def main(size: int) -> dict[str, object]:
    from pmo.core.choices import Role
    from pmo.core.models import User
    from pmo.governance import services_boards as services
    from pmo.governance.choices import BoardKind
    from pmo.insights.pack_files import pack_pdf, pack_pptx
    from pmo.insights.packs import board_pack

    call_command("migrate", verbosity=0)
    grow_register(size)
    grow_board_business(timezone.localdate())
    head, _ = User.objects.get_or_create(username="bench-head")
    head.groups.add(Group.objects.get(name=Role.PMO_HEAD.label))
    board = services.board_create(
        actor=None, fields={"name": "IT Portfolio Review", "kind": BoardKind.PORTFOLIO_REVIEW, "quorum": 3}
    )
    meeting = services.meeting_schedule(
        actor=None, board=board, starts_at=timezone.now() + dt.timedelta(days=7)
    )
    items = len(services.meeting_agenda_build(actor=head, meeting=meeting))

    def gathered() -> object:
        return board_pack(user=head, meeting=meeting)

    pack = gathered()
    runs = {
        "gather": [timed_s(gathered) for _ in range(REPEATS)],
        "pdf": [timed_s(lambda: pack_pdf(gathered())) for _ in range(REPEATS)],
        "pptx": [timed_s(lambda: pack_pptx(gathered())) for _ in range(REPEATS)],
    }
    sizes = {"pdf": len(pack_pdf(pack)), "pptx": len(pack_pptx(pack))}
    return {
        "vendor": connection.vendor,
        "projects": size,
        "items": items,
        "queries": query_count(gathered),
        **{
            name: {
                "wall": statistics.median(r[1] for r in timed),
                "cpu": statistics.median(r[2] for r in timed),
                "bytes": sizes.get(name, 0),
            }
            for name, timed in runs.items()
        },
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]))))
