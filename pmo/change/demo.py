"""The demo's change control: change requests across the portfolio in every state, each taken
through ``pmo.change.services`` with the clock held at when it happened (``demo_run``).

- raised and not yet assessed; assessed and waiting for the project manager, the sponsor and
  the board (the delegated limits decide which);
- approved: by the ``sponsor`` login on the ``pm`` login's data migration (a new baseline), by
  the ``pm`` login within their limits, and by the board (recorded by the PMO head) beyond the
  project's tolerances, each time/cost change making the project's next baseline;
- rejected, deferred and implemented;
- one raised from a request-for-change issue in the project's RAID log, on the ``pm`` login's
  project: within the sponsor's limits on its own, but with the change the sponsor approved
  before it goes beyond the project's tolerances, so it waits for the board (issue 9);
- the board's approval of one change moves a project's baseline beyond its latest forecasts:
  early and under, a both-ways tolerance breach that raises an exception.

Notifications of the past weeks count as read and e-mailed; the last fortnight's stay unread,
so the demo logins find decisions waiting for them.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q

from pmo.change import selectors, services
from pmo.change.choices import ChangeType, Decision
from pmo.change.models import ChangeRequest
from pmo.core.demo import demo_moment, demo_run, demo_settings, demo_step
from pmo.core.models import Notification, User
from pmo.portfolio.demo import DemoContext
from pmo.raid.choices import IssueType, Priority, Severity
from pmo.raid.models import Issue
from pmo.raid.services import raid_item_create

DATA_MIGRATION = "Social care data migration"
"""The ``pm`` login's project sponsored by the ``sponsor`` login: one change approved (with a new
baseline) and one, raised from a request-for-change issue, that together with it goes to the
board."""


@dataclass(frozen=True)
class DemoChangeRequest:
    """One change request's story: who raised it and when (days before today), its assessment,
    decision and implementation, each by a demo login on its day."""

    project: str
    title: str
    change_type: str
    description: str
    reason: str
    raised: tuple[str, int]
    assessment: dict[str, Any] | None = None
    assessed: tuple[str, int] | None = None
    decision: tuple[str, str, int, str] | None = None  # (decision, who, days ago, notes)
    implemented: tuple[str, int, str] | None = None  # (who, days ago, notes)
    from_issue: str = ""  # the request-for-change issue it comes from


def _impact(
    days: int,
    cost: int,
    *,
    benefits: int = 0,
    scope: str = "",
    risks: str = "",
    options: str = "",
    recommendation: str = "",
) -> dict[str, Any]:
    return {
        "impact_days": days,
        "impact_cost": Decimal(cost),
        "impact_benefits": Decimal(benefits),
        "impact_scope": scope,
        "impact_risks": risks,
        "options": options,
        "recommendation": recommendation,
    }


CR = DemoChangeRequest
APPROVE, REJECT, DEFER = Decision.APPROVE.value, Decision.REJECT.value, Decision.DEFER.value
CHANGE_REQUESTS: tuple[DemoChangeRequest, ...] = (
    CR(
        DATA_MIGRATION,
        "Migrate the history of client contributions to care costs",
        ChangeType.SCOPE,
        "Add the client contributions history (2015 onwards) to the migration scope.",
        "Finance cannot bill clients correctly from the new system without their contribution history.",
        raised=("pm", 56),
        assessment=_impact(
            21,
            32_000,
            scope="Client contributions history added to the migration.",
            risks="Adds one more reconciliation to each rehearsal.",
            options="A: migrate the history (+3 weeks, +£32,000). B: keep it in the old "
            "system read-only and look it up by hand.",
            recommendation="A: manual look-ups would cost more in staff time within a year.",
        ),
        assessed=("pm", 50),
        decision=(APPROVE, "sponsor", 44, "Approved: billing must be right from day one."),
        implemented=("pm", 10, "Contribution history included from rehearsal 3; reconciled."),
    ),
    CR(
        DATA_MIGRATION,
        "Migrate closed cases from 2009 to 2013 as well",
        ChangeType.SCOPE,
        "Extend the migration to closed adults' cases from 2009 to 2013 (about 6,000 records).",
        "The retention schedule requires them to be kept, and the old system is being switched off.",
        raised=("pm", 18),
        from_issue="Retention schedule needs closed cases from 2009 to 2013 migrated",
        assessment=_impact(
            14,
            18_000,
            scope="About 6,000 closed case records added to the migration.",
            risks="Older records are of poorer quality: more cleansing.",
            options="A: migrate them (+2 weeks, +£18,000). B: archive them to the records "
            "store (+£6,000, searchable only by the records team).",
            recommendation="A: social workers need them when a case reopens.",
        ),
        assessed=("pm", 12),
    ),
    CR(
        "Wi-Fi refresh across libraries",
        "Add Wi-Fi to the two mobile library vans",
        ChangeType.SCOPE,
        "Fit 4G-backed Wi-Fi access points to the two mobile library vans.",
        "Mobile library users asked for the same public Wi-Fi as the branches.",
        raised=("pm", 40),
        assessment=_impact(
            3,
            4_200,
            scope="Two mobile library vans added.",
            recommendation="Approve: within the project manager's limits.",
        ),
        assessed=("pm", 36),
        decision=(APPROVE, "pm", 30, "Approved within my delegated limits; funded from contingency."),
        implemented=("pm", 8, "Both vans fitted and tested."),
    ),
    CR(
        "Wi-Fi refresh across libraries",
        "Install at Central Library during the February half-term closure",
        ChangeType.TIME,
        "Move the Central Library installation to the half-term closure week.",
        "The library service asked for no disruption during exam season study sessions.",
        raised=("pm", 5),
        assessment=_impact(2, 0, recommendation="Approve: two days' delay, no cost."),
        assessed=("pm", 3),
    ),
    CR(
        "PSN compliance remediation",
        "Include the councillors' iPads in the remediation scope",
        ChangeType.SCOPE,
        "Bring the 60 councillors' iPads under device management before the IT health check.",
        "The IT health check scope now includes every device that reaches council e-mail.",
        raised=("pm", 2),
    ),
    CR(
        "PSN compliance remediation",
        "Retest with a CHECK-accredited tester of our choosing",
        ChangeType.QUALITY,
        "Use the framework's CHECK-accredited tester for the retest rather than the original supplier.",
        "An independent retest gives the PSN authority more confidence.",
        raised=("pm", 14),
        assessment=_impact(0, 0, recommendation="Approve: same cost and dates."),
        assessed=("pm", 12),
        decision=(APPROVE, "pm", 6, "Approved: no change to cost or dates."),
    ),
    CR(
        "Cloud backup and disaster recovery",
        "Recover the social care case management system in the second region",
        ChangeType.SCOPE,
        "Add the new social care case management system to the systems recovered in the second region.",
        "The business impact analysis rates social care as critical: recovery within four hours.",
        raised=("officer", 40),
        assessment=_impact(
            56,
            145_000,
            scope="Social care case management added to the recovery plan.",
            risks="Reduces the council's biggest continuity risk.",
            options="A: add it now (+8 weeks, +£145,000). B: rely on the supplier's own "
            "recovery (24-hour target).",
            recommendation="A: a 24-hour outage of social care is not acceptable.",
        ),
        assessed=("officer", 30),
        decision=(
            APPROVE,
            "head",
            15,
            "Approved at the IT Portfolio Board: beyond the project's tolerances.",
        ),
    ),
    CR(
        "Corporate data platform",
        "Real-time streaming for the social care feeds",
        ChangeType.SCOPE,
        "Stream social care events to the data platform instead of loading them nightly.",
        "The safeguarding dashboards need same-day data.",
        raised=("officer", 15),
        assessment=_impact(
            60,
            140_000,
            benefits=200_000,
            scope="Streaming ingestion for social care.",
            options="A: streaming in release 2 (+60 days, +£140,000). B: nightly loads "
            "twice a day (no change).",
            recommendation="A, if the board accepts the delay to release 2.",
        ),
        assessed=("officer", 6),
    ),
    CR(
        "Council website redesign",
        "Move to a new content management system instead of upgrading",
        ChangeType.SCOPE,
        "Replace the content management system as part of the redesign.",
        "Editors find the current system hard to use.",
        raised=("officer", 45),
        assessment=_impact(
            120,
            180_000,
            options="A: new CMS (+4 months, +£180,000). B: upgrade the current CMS as planned.",
            recommendation="B: the upgrade fixes the editors' main complaints.",
        ),
        assessed=("officer", 38),
        decision=(REJECT, "head", 25, "Rejected at the IT Portfolio Board: upgrade as planned."),
    ),
    CR(
        "Social care finance and provider payments",
        "Pay care providers weekly instead of four-weekly",
        ChangeType.SCOPE,
        "Run provider payments weekly.",
        "Smaller providers have cash-flow problems with four-weekly payments.",
        raised=("officer", 24),
        assessment=_impact(
            20,
            25_000,
            options="A: weekly payment runs. B: four-weekly, with hardship advances on request.",
            recommendation="B for go-live; revisit weekly runs after it.",
        ),
        assessed=("officer", 16),
        decision=(
            REJECT,
            "sponsor",
            9,
            "Rejected for go-live: four-weekly payment is in the provider "
            "contracts. Hardship advances instead.",
        ),
    ),
    CR(
        "Adult social care client portal",
        "Add the financial assessment calculator to release 1",
        ChangeType.SCOPE,
        "Bring the financial assessment calculator forward from release 2.",
        "Residents want to know what they will pay before they apply.",
        raised=("officer", 30),
        assessment=_impact(
            21,
            24_000,
            options="A: in release 1 (+3 weeks, +£24,000). B: release 2 as planned.",
            recommendation="A, once the case management go-live date is firm.",
        ),
        assessed=("officer", 22),
        decision=(
            DEFER,
            "sponsor",
            14,
            "Deferred until the case management system's go-live date is confirmed.",
        ),
    ),
    CR(
        "Council tax online self-service",
        "Add the single person discount review form",
        ChangeType.SCOPE,
        "Residents confirm their single person discount online at the annual review.",
        "The annual review sends 22,000 paper forms.",
        raised=("officer", 4),
    ),
    CR(
        "Homelessness case management system",
        "Duty to Refer portal for partner agencies",
        ChangeType.SCOPE,
        "Partner agencies make Duty to Refer referrals through a portal instead of by e-mail.",
        "Referrals by e-mail are lost or arrive incomplete.",
        raised=("officer", 12),
        assessment=_impact(10, 15_000, recommendation="Approve: within the project's tolerances."),
        assessed=("officer", 7),
    ),
    CR(
        "Windows 11 rollout",
        "Replace 200 old devices instead of upgrading them",
        ChangeType.COST,
        "Replace 200 devices that cannot run Windows 11 reliably.",
        "Upgrades on these models fail one time in four.",
        raised=("officer", 34),
        assessment=_impact(
            0,
            96_000,
            options="A: replace now (+£96,000). B: replace in next year's refresh; isolate them meanwhile.",
            recommendation="A: isolating 200 devices costs more in support.",
        ),
        assessed=("officer", 28),
        decision=(DEFER, "head", 20, "Deferred to the February budget round (IT Portfolio Board)."),
    ),
)
del CR


def _rfc_issue(ctx: DemoContext, request: DemoChangeRequest, actor: User) -> Issue:
    """The request-for-change issue the PM logged two days before raising the change."""
    project = ctx.projects[request.project]
    day = ctx.today - dt.timedelta(days=request.raised[1] + 2)
    return demo_run(
        demo_moment(day, 9, 30),
        raid_item_create,
        actor=actor,
        model=Issue,
        register=project,
        fields={
            "title": request.from_issue,
            "issue_type": IssueType.REQUEST_FOR_CHANGE,
            "description": request.reason,
            "severity": Severity.MODERATE,
            "priority": Priority.HIGH,
            "owner": project.project_manager,
            "raised_on": day,
            "due": ctx.today + dt.timedelta(days=14),
            "status": "in_progress",
        },
    )


def _story(ctx: DemoContext, request: DemoChangeRequest) -> ChangeRequest:
    project = ctx.projects[request.project]
    user = ctx.users
    who, ago = request.raised
    fields: dict[str, Any] = {
        "title": request.title,
        "change_type": request.change_type,
        "description": request.description,
        "reason": request.reason,
    }
    if request.from_issue:
        fields["issue"] = _rfc_issue(ctx, request, user[who])
    change = demo_run(
        demo_moment(ctx.today - dt.timedelta(days=ago), 11),
        services.change_request_raise,
        actor=user[who],
        project=project,
        fields=fields,
    )
    if request.assessment is None or request.assessed is None:
        return change
    who, ago = request.assessed
    change = demo_run(
        demo_moment(ctx.today - dt.timedelta(days=ago), 15),
        services.change_request_assess,
        actor=user[who],
        change=change,
        fields=request.assessment,
        expected_version=change.version,
    )
    if request.decision is None:
        return change
    decision, who, ago, notes = request.decision
    change = demo_run(
        demo_moment(ctx.today - dt.timedelta(days=ago), 14, 30),
        services.change_request_decide,
        actor=user[who],
        change=change,
        decision=Decision(decision),
        notes=notes,
        expected_version=change.version,
    )
    if request.implemented is None:
        return change
    who, ago, notes = request.implemented
    return demo_run(
        demo_moment(ctx.today - dt.timedelta(days=ago), 16),
        services.change_request_implement,
        actor=user[who],
        change=change,
        notes=notes,
        expected_version=change.version,
    )


@demo_step(order=110)
def change_settings(ctx: DemoContext) -> None:
    """The change control settings (the defaults), set up a year ago."""
    demo_settings(ctx.today, selectors.change_settings)


@demo_step(order=260)
def change_requests(ctx: DemoContext) -> None:
    """The change log, oldest first, so numbers follow the order changes were raised."""
    for request in sorted(CHANGE_REQUESTS, key=lambda r: (-r.raised[1], r.title)):
        _story(ctx, request)
    # What was announced by e-mail went when it happened: loading the demo sends none. RAID and
    # change notifications older than a fortnight have been read; the rest stay unread.
    Notification.objects.filter(emailed=False).update(emailed=True)
    Notification.objects.filter(
        Q(key__startswith="raid-") | Q(key__startswith="change-"),
        read_at__isnull=True,
        created_at__lt=demo_moment(ctx.today - dt.timedelta(days=14), 0),
    ).update(read_at=demo_moment(ctx.today, 7))
