"""A gate's evidence judged for projects: the records the system checks, read through the other
apps' selectors for a whole page of projects at once (a few queries whatever their number), and
the documents confirmed on a review."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from pmo.finance import selectors as finance_selectors
from pmo.governance.choices import AutomaticCheck, EvidenceKind
from pmo.governance.models import GateEvidence
from pmo.raid import selectors as raid_selectors
from pmo.reporting import selectors as reporting_selectors
from pmo.schedule import selectors as schedule_selectors

NO_BASELINE = "No baseline approved yet."
BASELINE = "Baseline v{number} approved on {day:%-d %b %Y}."
NO_PLAN = "No plan imported."
PLAN = "A plan is imported."
NO_BUDGET = "No budget version approved."
BUDGET = "Budget version {number} approved."
RAID_STALE = "{count} open risk(s) and issue(s) not reviewed within {days} days."
RAID_OK = "Every open risk and issue reviewed within {days} days."
NO_PERIOD = "No reporting period is open."
NO_REPORT = "No highlight report handed in for {period}."
REPORT = "Highlight report for {period} handed in."
CONFIRMED = "Confirmed by {who}: {where}"
NOT_CONFIRMED = "Not confirmed yet."


@dataclass(frozen=True)
class Verdict:
    """One piece of evidence judged for one project: met or not, and why."""

    evidence: GateEvidence
    met: bool
    reason: str
    confirmation: Any = None

    @property
    def automatic(self) -> bool:
        return self.evidence.kind == EvidenceKind.CHECK


class Checks:
    """The automatic checks' facts for a set of projects, each read once on first need."""

    def __init__(self, project_ids: Iterable[int], today: date) -> None:
        self.ids = list(project_ids)
        self.today = today
        self._read: dict[str, Any] = {}

    def _once(self, key: str, read: Any) -> Any:
        if key not in self._read:
            self._read[key] = read()
        return self._read[key]

    def _stale(self, days: int) -> dict[int, raid_selectors.StaleItems]:
        return self._once(
            f"stale{days}",
            lambda: raid_selectors.stale_by_project(self.ids, stale_before=self.today - timedelta(days=days)),
        )

    def judge(self, evidence: GateEvidence, project_id: int) -> tuple[bool, str]:
        check = AutomaticCheck(evidence.automatic)
        if check == AutomaticCheck.BASELINE_APPROVED:
            baseline = self._once("baselines", lambda: reporting_selectors.current_baselines(self.ids)).get(
                project_id
            )
            if baseline is None:
                return False, NO_BASELINE
            return True, BASELINE.format(number=baseline.number, day=timezone.localdate(baseline.approved_at))
        if check == AutomaticCheck.PLAN_IMPORTED:
            plans = self._once("plans", lambda: schedule_selectors.plan_progress(self.ids))
            return (True, PLAN) if project_id in plans else (False, NO_PLAN)
        if check == AutomaticCheck.BUDGET_APPROVED:
            budget = self._once("budgets", lambda: finance_selectors.current_budgets(self.ids)).get(
                project_id
            )
            return (True, BUDGET.format(number=budget.number)) if budget else (False, NO_BUDGET)
        if check == AutomaticCheck.RAID_REVIEWED:
            stale = self._stale(evidence.within_days).get(project_id)
            if stale:
                return False, RAID_STALE.format(count=stale.count, days=evidence.within_days)
            return True, RAID_OK.format(days=evidence.within_days)
        period = self._once("period", lambda: reporting_selectors.current_period(self.today))
        if period is None:
            return False, NO_PERIOD
        latest = self._once("reports", lambda: reporting_selectors.latest_handed_in(self.ids)).get(project_id)
        if latest is None or latest.period_id != period.pk:
            return False, NO_REPORT.format(period=period)
        return True, REPORT.format(period=period)


def verdicts(
    project: Any,
    evidence: Sequence[GateEvidence],
    checks: Checks,
    confirmations: dict[int, Any] | None = None,
) -> list[Verdict]:
    """Each piece of ``evidence`` that applies to ``project``, judged: the automatic ones by
    ``checks``, the documents by their confirmation on the review (``confirmations`` by
    evidence id; none outside a review)."""
    found = []
    for item in evidence:
        if not item.applies_to(project):
            continue
        if item.kind == EvidenceKind.CHECK:
            met, reason = checks.judge(item, project.pk)
            found.append(Verdict(item, met, reason))
            continue
        confirmation = (confirmations or {}).get(item.pk)
        if confirmation is None:
            found.append(Verdict(item, False, NOT_CONFIRMED))
        else:
            where = confirmation.link or confirmation.note
            who = confirmation.confirmed_by or "the system"
            found.append(Verdict(item, True, CONFIRMED.format(who=who, where=where), confirmation))
    return found


def ready(found: Sequence[Verdict]) -> bool:
    return all(verdict.met for verdict in found)
