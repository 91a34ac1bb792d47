"""Exceptions in the browser: the list, the PM's exception report, the sponsor's decision, the
refusals, and the history that shows every step."""

import datetime as dt
from decimal import Decimal

import pytest

from pmo.reporting import services
from pmo.reporting.choices import ExceptionDecision, ExceptionStatus
from pmo.reporting.models import Baseline, ProjectException
from pmo.reporting.tests.views.helpers import doc, field_error, text_of

pytestmark = pytest.mark.django_db

REPORT = {
    "cause": "Supplier insolvency",
    "consequences": "Six months late",
    "options": "A: re-tender (+6 months, +£10k). B: descope reporting (no delay).",
    "recommendation": "A",
}


def raised(world) -> ProjectException:
    world.breaching_submission()
    return ProjectException.objects.get(project=world.project)


def reported(world) -> ProjectException:
    exception = raised(world)
    return services.exception_report_submit(
        actor=world.pm, exception=exception, expected_version=exception.version, **REPORT
    )


def test_the_exceptions_list_shows_open_ones_first_with_their_age(world, make_user):
    exception = raised(world)

    response = world.client(world.officer).get("/reporting/exceptions/")

    rows = doc(response).xpath("//table[@data-testid='exceptions']/tbody/tr")
    cells = [" ".join(td.text_content().split()) for td in rows[0].xpath("th|td")]
    assert cells[:3] == [str(world.project), "time", "Exception report requested"]
    assert cells[4] == "0"  # raised today
    assert cells[6] == "Sam Sponsor"
    assert exception.get_absolute_url() in {a.get("href") for a in rows[0].xpath(".//a")}


def test_a_decided_exception_shows_only_under_all(world):
    exception = reported(world)
    services.exception_decide(
        actor=world.sponsor,
        exception=exception,
        decision=ExceptionDecision.CORRECTIVE_ACTION,
        notes="Recover",
        expected_version=exception.version,
    )
    client = world.client(world.officer)

    assert "No open exceptions." in text_of(client.get("/reporting/exceptions/"))
    assert "Corrective action plan" in text_of(client.get("/reporting/exceptions/", {"show": "all"}))


def test_the_detail_shows_the_breach_figures_and_the_steps(world):
    exception = raised(world)

    response = world.client(world.sponsor).get(exception.get_absolute_url())

    breach = " ".join(doc(response).xpath("//*[@data-testid='breach']")[0].text_content().split())
    assert breach == exception.breach_summary.replace("\n", " ")
    steps = " ".join(doc(response).xpath("//*[@data-testid='steps']")[0].text_content().split())
    assert "Raised (done)" in steps and "Exception report requested (done)" in steps
    assert "Exception report submitted (to come)" in steps and "Decided (to come)" in steps
    assert "Write the exception report" not in text_of(response)  # the sponsor does not write it


def test_the_pm_writes_the_exception_report(world):
    exception = raised(world)
    client = world.client(world.pm)

    incomplete = client.post(
        f"/reporting/exceptions/{exception.pk}/report/",
        {**REPORT, "cause": " ", "version": exception.version},
    )
    done = client.post(
        f"/reporting/exceptions/{exception.pk}/report/", {**REPORT, "version": exception.version}
    )

    assert field_error(incomplete, "cause") == services.MISSING_FOR_SUBMISSION
    assert done["Location"] == exception.get_absolute_url()
    exception.refresh_from_db()
    assert (exception.status, exception.cause) == (ExceptionStatus.REPORT_SUBMITTED, "Supplier insolvency")
    assert "Supplier insolvency" in text_of(client.get(exception.get_absolute_url()))


def test_the_sponsor_cannot_write_the_exception_report(world):
    exception = raised(world)

    response = world.client(world.sponsor).post(
        f"/reporting/exceptions/{exception.pk}/report/", {**REPORT, "version": exception.version}
    )

    assert response.status_code == 403


def test_the_pm_and_an_officer_cannot_decide(world):
    exception = reported(world)
    data = {"decision": "stop", "notes": "Stop it", "version": exception.version}

    assert (
        world.client(world.pm).post(f"/reporting/exceptions/{exception.pk}/decide/", data).status_code == 403
    )
    assert world.client(world.officer).get(f"/reporting/exceptions/{exception.pk}/decide/").status_code == 403
    exception.refresh_from_db()
    assert exception.status == ExceptionStatus.REPORT_SUBMITTED


def test_a_new_baseline_decision_needs_its_figures(world):
    exception = reported(world)

    response = world.client(world.sponsor).post(
        f"/reporting/exceptions/{exception.pk}/decide/",
        {"decision": "new_baseline", "notes": "Re-tender", "version": exception.version},
    )

    assert services.DECISION_NEEDS_BASELINE in text_of(response)
    exception.refresh_from_db()
    assert exception.status == ExceptionStatus.REPORT_SUBMITTED


def test_the_sponsor_decides_a_new_baseline_and_history_shows_every_step(world):
    exception = reported(world)
    client = world.client(world.sponsor)

    response = client.post(
        f"/reporting/exceptions/{exception.pk}/decide/",
        {
            "decision": "new_baseline",
            "notes": "Re-tender approved",
            "finish": "2027-07-31",
            "budget_at_completion": "265000",
            "reason": "",
            "version": exception.version,
        },
    )

    assert response["Location"] == exception.get_absolute_url()
    exception.refresh_from_db()
    baseline = Baseline.objects.get(project=world.project, number=2)
    assert (exception.decision, exception.new_baseline) == (ExceptionDecision.NEW_BASELINE, baseline)
    assert (baseline.finish, baseline.budget_at_completion) == (dt.date(2027, 7, 31), Decimal(265000))
    detail = text_of(client.get(exception.get_absolute_url()))
    assert "Approve a new baseline by Sam Sponsor" in detail and str(baseline) in detail
    history = text_of(client.get(f"/reporting/exceptions/{exception.pk}/history/"))
    for step in (
        "Raised automatically: forecast beyond tolerance",
        "Exception report requested from the project manager",
        "Exception report submitted",
        "Decided: Approve a new baseline",
    ):
        assert step in history


def test_the_decision_form_shows_and_starts_from_the_current_baseline(world):
    exception = reported(world)

    page = doc(world.client(world.sponsor).get(f"/reporting/exceptions/{exception.pk}/decide/"))

    shown = " ".join(page.xpath("//*[@data-testid='current-baseline']")[0].text_content().split())
    assert shown.startswith("Current baseline v1: finish 18 Dec 2026, budget at completion £250,000")
    assert page.xpath("//input[@name='finish']/@value") == ["2026-12-18"]
    assert Decimal(page.xpath("//input[@name='budget_at_completion']/@value")[0]) == Decimal(250000)


def test_a_new_finish_earlier_than_the_current_one_is_questioned_until_confirmed(world):
    exception = reported(world)
    client = world.client(world.sponsor)
    data = {
        "decision": "new_baseline",
        "notes": "Descope reporting",
        "finish": "2026-11-30",
        "budget_at_completion": "250000",
        "version": exception.version,
    }

    questioned = client.post(f"/reporting/exceptions/{exception.pk}/decide/", data)

    assert questioned.status_code == 400
    assert (
        "30 Nov 2026 is earlier than the current baseline's finish (v1, 18 Dec 2026): "
        "tick the box below if that is meant." in " ".join(text_of(questioned).split())
    )
    exception.refresh_from_db()
    assert exception.status == ExceptionStatus.REPORT_SUBMITTED

    confirmed = client.post(f"/reporting/exceptions/{exception.pk}/decide/", {**data, "earlier_finish": "on"})

    assert confirmed.status_code == 302
    assert Baseline.objects.get(project=world.project, number=2).finish == dt.date(2026, 11, 30)


def test_a_decided_exception_cannot_be_decided_again(world):
    exception = reported(world)
    services.exception_decide(
        actor=world.sponsor,
        exception=exception,
        decision=ExceptionDecision.CORRECTIVE_ACTION,
        notes="Recover",
        expected_version=exception.version,
    )
    client = world.client(world.sponsor)

    response = client.get(f"/reporting/exceptions/{exception.pk}/decide/")

    assert response["Location"] == exception.get_absolute_url()
    assert "it can be decided only once its exception report is in" in text_of(
        client.get(response["Location"])
    )
