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
from decimal import Decimal  # noqa: E402

from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.data import grow_register  # noqa: E402
from bench.measure import query_count, timed_s  # noqa: E402

REPEATS = 15


class Undone(Exception):
    """Raised to roll a timed build back, so every run builds the whole agenda."""


def grow_business(today: dt.date) -> None:
    """What needs the board, for every project."""
    from pmo.change.choices import Authority, ChangeStatus, ChangeType
    from pmo.change.models import ChangeRequest
    from pmo.governance.choices import GateAuthority, ReviewStatus
    from pmo.governance.models import Gate, GateReview
    from pmo.portfolio.models import Project
    from pmo.raid.choices import ActionSource, Level
    from pmo.raid.models import Action, Issue, Risk
    from pmo.reporting.choices import ExceptionStatus
    from pmo.reporting.models import ProjectException

    projects = list(Project.objects.all())
    gate = Gate.objects.order_by("stage__order").last()
    now = timezone.now()
    ProjectException.objects.bulk_create(
        ProjectException(
            project=p, status=ExceptionStatus.REPORT_SUBMITTED, dimensions="time, cost",
            breach_summary="Forecast 45 days late; 20 allowed.", raised_at=now, cause="Supplier late.",
            options="Re-plan or add staff.", recommendation="Re-plan.",
        )
        for p in projects
    )  # fmt: skip
    escalated = {
        "escalated_to": Level.PORTFOLIO,
        "escalated_at": now,
        "escalation_note": "Beyond the project.",
    }
    Risk.objects.bulk_create(
        Risk(
            project=p, title="Supplier may fail", owner_id=p.project_manager_id, category="commercial",
            inherent_probability=4, inherent_impact=4, residual_probability=4, residual_impact=4, **escalated,
        )
        for p in projects
    )  # fmt: skip
    Issue.objects.bulk_create(
        Issue(project=p, title="Key engineer left", owner_id=p.project_manager_id, **escalated)
        for p in projects
    )
    ChangeRequest.objects.bulk_create(
        ChangeRequest(
            project=p, title="Phase 2 delay", change_type=ChangeType.TIME, description="d", reason="r",
            status=ChangeStatus.ASSESSED, raised_on=today, impact_days=120, impact_cost=Decimal(500_000),
            authority=Authority.BOARD,
        )
        for p in projects
    )  # fmt: skip
    GateReview.objects.bulk_create(
        GateReview(
            project=p,
            gate=gate,
            status=ReviewStatus.IN_REVIEW,
            authority=GateAuthority.BOARD,
            opened_on=today,
        )
        for p in projects
    )
    Action.objects.bulk_create(
        Action(
            project=p, title="Re-plan phase 2", owner_id=p.project_manager_id,
            due=today - dt.timedelta(days=7), source=ActionSource.EXCEPTION, source_reference="EXC-1",
        )
        for p in projects
    )  # fmt: skip


def main(size: int) -> dict[str, object]:
    from pmo.core.choices import Role
    from pmo.core.models import User
    from pmo.governance import services_boards as services
    from pmo.governance.choices import BoardKind

    call_command("migrate", verbosity=0)
    grow_register(size)
    today = timezone.localdate()
    grow_business(today)
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
