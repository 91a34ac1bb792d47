"""Health checks in the demo: three checks a year on a dozen projects, scores improving on some
and worsening on others (the trend and the portfolio's weakest areas have something to show),
findings whose recommendations are RAID actions, the ``pm`` login's latest check waiting for its
response, and a check planned and one in progress for the PMO's logins. Each step is replayed
through ``pmo.assurance.services`` at the moment it happened (``demo_run``); the scores come from
the demo's one random generator, so the demo stays deterministic."""

import datetime as dt
from typing import Any

from pmo.assurance import selectors, services
from pmo.assurance.choices import Severity
from pmo.core.demo import demo_moment, demo_run, demo_settings, demo_step
from pmo.core.services import user_of
from pmo.portfolio.choices import ProjectStatus
from pmo.portfolio.demo import DemoContext
from pmo.raid.choices import ActionStatus
from pmo.raid.services import raid_item_update

PM_PROJECT = "Social care data migration"  # the ``pm`` login's: its latest check awaits a response
CHECKED = 12  # projects with a year of checks
CHECKS_AGO = (330, 190, 45)  # days before today each of the year's checks was held
ACTION_DAYS = 60  # a finding's action is due this long after its check (the latest's is still to come)
FINDING_TEXT = "{area} scored {percent} %: the weakest area of this check."
RECOMMENDATION = "Bring {area} up to the PMO standard before the next checkpoint"


def _at(ctx: DemoContext, days_ago: int, hour: int) -> dt.datetime:
    return demo_moment(ctx.today - dt.timedelta(days=days_ago), hour)


@demo_step(order=285)
def assurance_settings(ctx: DemoContext) -> None:
    """The assurance settings (the defaults), set up a year ago."""
    demo_settings(ctx.today, selectors.assurance_settings)


@demo_step(order=286)
def health_checks(ctx: DemoContext) -> None:
    """The default questionnaire, then a year of checks on a dozen active projects."""
    head = ctx.users["head"]
    questionnaire = demo_run(_at(ctx, 360, 9), services.questionnaire_seed_default, actor=head)
    active = sorted(
        (p for p in ctx.projects.values() if p.status == ProjectStatus.ACTIVE and p.name != PM_PROJECT),
        key=lambda p: p.name,
    )
    chosen = [ctx.projects[PM_PROJECT], *active[:: max(1, len(active) // (CHECKED - 1))][: CHECKED - 1]]
    for n, project in enumerate(chosen):
        improving = n % 2 == 0
        for k, ago in enumerate(CHECKS_AGO):
            level = (1 + k) if improving else (3 - k)  # from 1 to 3, or from 3 to 1, of 4
            last = k == len(CHECKS_AGO) - 1
            _check(ctx, questionnaire, project, ago, level, respond=not (last and project.name == PM_PROJECT))
    officer, analyst = ctx.users["officer"], ctx.users["analyst"]
    demo_run(
        _at(ctx, 10, 10),
        services.health_check_plan,
        actor=officer,
        project=active[1],
        questionnaire=questionnaire,
        planned_on=ctx.today + dt.timedelta(days=5),
    )
    started = demo_run(
        _at(ctx, 12, 10),
        services.health_check_plan,
        actor=analyst,
        project=active[2],
        questionnaire=questionnaire,
        planned_on=ctx.today - dt.timedelta(days=3),
    )
    demo_run(_at(ctx, 3, 9), services.health_check_start, actor=analyst, check=started, expected_version=None)


def _check(
    ctx: DemoContext, questionnaire: Any, project: Any, ago: int, level: int, *, respond: bool
) -> None:
    """One check of ``project`` held ``ago`` days before today, its scores around ``level``."""
    assessor = ctx.users["officer" if ago % 2 else "analyst"]
    check = demo_run(
        _at(ctx, ago + 14, 9),
        services.health_check_plan,
        actor=assessor,
        project=project,
        questionnaire=questionnaire,
        planned_on=ctx.today - dt.timedelta(days=ago),
    )
    check = demo_run(
        _at(ctx, ago, 9), services.health_check_start, actor=assessor, check=check, expected_version=None
    )
    maximum = questionnaire.maximum
    answers = {
        q.pk: {
            "score": min(maximum, max(0, level + ctx.rng.choice((-1, 0, 0, 1)))),
            "evidence": "Reviewed with the PM",
        }
        for q in selectors.questions_of(questionnaire)
    }
    check = demo_run(
        _at(ctx, ago, 15),
        services.health_check_answer,
        actor=assessor,
        check=check,
        answers=answers,
        expected_version=None,
    )
    weakest = min(services.check_scores(check).areas, key=lambda a: (a.percent or 0, a.name))
    owner = project.project_manager
    finding = demo_run(
        _at(ctx, ago, 16),
        services.finding_add,
        actor=assessor,
        check=check,
        area=questionnaire.areas.get(name=weakest.name),
        severity=Severity.HIGH if (weakest.percent or 0) < 50 else Severity.MEDIUM,
        text=FINDING_TEXT.format(area=weakest.name, percent=weakest.percent),
        recommendation=RECOMMENDATION.format(area=weakest.name),
        action_owner=owner,
        action_due=ctx.today - dt.timedelta(days=ago - ACTION_DAYS),
    )
    if ago > min(CHECKS_AGO):  # done by its date, before the next check (the RAID log is kept)
        demo_run(
            _at(ctx, ago - ACTION_DAYS + 5, 10),
            raid_item_update,
            actor=user_of(owner) or assessor,
            item=finding.action,
            fields={"status": ActionStatus.DONE, "closure_note": "Done before the next health check."},
            expected_version=None,
        )
    check = demo_run(
        _at(ctx, ago - 1, 11),
        services.health_check_submit,
        actor=assessor,
        check=check,
        summary=f"Overall the project is {'improving' if level >= 2 else 'at risk'}; see the findings.",
        expected_version=None,
    )
    if not respond:
        return
    pm = user_of(owner)
    check = demo_run(
        _at(ctx, ago - 8, 10),
        services.health_check_agree,
        actor=pm,
        check=check,
        response="Findings accepted; the actions are in the RAID log.",
        expected_version=None,
    )
    demo_run(
        _at(ctx, ago - 10, 10),
        services.health_check_close,
        actor=assessor,
        check=check,
        expected_version=None,
    )
