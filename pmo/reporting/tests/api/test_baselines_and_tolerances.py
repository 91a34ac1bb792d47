"""Baselines, project tolerances, default tolerances and the tolerance verdicts over the API."""

import datetime as dt
from decimal import Decimal

import pytest

from pmo.core.api import PROJECT_CODE_REQUIRED
from pmo.core.choices import Role
from pmo.core.permissions import NOT_ALLOWED
from pmo.reporting import services
from pmo.reporting.api.baselines_tolerances import (
    TOLERANCE_DEFAULT_EXISTS,
    TOLERANCE_EXISTS,
)
from pmo.reporting.models import (
    NEEDS_ALLOWANCE,
    NEGATIVE_AMOUNT,
    NO_SCOPE,
    ONE_SCOPE,
    Baseline,
    Tolerance,
    ToleranceCheck,
    ToleranceDefault,
)

pytestmark = pytest.mark.django_db

BASELINES = "/api/v1/baselines/"
TOLERANCES = "/api/v1/tolerances/"
DEFAULTS = "/api/v1/tolerance-defaults/"
CHECKS = "/api/v1/tolerance-checks/"

OMIT = object()
NEW_BASELINE = {
    "project": "OWN-1",
    "finish": "2027-02-26",
    "budget_at_completion": "275000.00",
    "reason": "Scope change CR-12 approved by the board on 10 Nov",
    "milestones": [{"name": "Go live", "due": "2027-02-01"}, {"name": "Closure", "due": "2027-02-26"}],
}


def test_the_pmo_approves_the_next_baseline_version(client_for, cycle):
    response = client_for(cycle.officer).post(BASELINES, NEW_BASELINE, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"] == 2
    assert body["project"] == "OWN-1"
    assert body["source"] == "pmo"
    assert body["approved_by_name"] == "Olly Officer"
    assert body["milestones"] == [
        {"name": "Go live", "due": "2027-02-01"},
        {"name": "Closure", "due": "2027-02-26"},
    ]
    history = client_for(cycle.pm).get(f"{BASELINES}{body['id']}/history/").json()
    assert history[0]["reason"] == NEW_BASELINE["reason"]
    assert history[0]["who"] == "Olly Officer"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"reason": "  "}, "reason", services.REASON_REQUIRED),
        ({"reason": OMIT}, "reason", services.REASON_REQUIRED),
        ({"budget_at_completion": "-5"}, "budget_at_completion", NEGATIVE_AMOUNT),
        (
            {"finish": "2026-03-31"},
            "finish",
            "The baseline finish (31 Mar 2026) is before the project starts (1 Apr 2026).",
        ),
        (
            {
                "milestones": [
                    {"name": "Go live", "due": "2027-02-01"},
                    {"name": "Go live", "due": "2027-02-02"},
                ]
            },
            "milestones",
            services.DUPLICATE_MILESTONE.format(name="Go live"),
        ),
    ],
)
def test_bad_baselines_are_refused_naming_the_field(client_for, cycle, change, field, message):
    body = {name: value for name, value in {**NEW_BASELINE, **change}.items() if value is not OMIT}

    response = client_for(cycle.officer).post(BASELINES, body, format="json")

    assert response.status_code == 400
    assert response.json()["fields"] == {field: [message]}
    assert Baseline.objects.filter(project=cycle.own).count() == 1


@pytest.mark.parametrize("who", ["pm", "sponsor"])
def test_only_the_pmo_approves_baselines_for_now(client_for, cycle, who):
    response = client_for(getattr(cycle, who)).post(BASELINES, NEW_BASELINE, format="json")

    assert response.status_code == 403
    assert Baseline.objects.filter(project=cycle.own).count() == 1


def test_baselines_are_immutable(client_for, cycle):
    baseline = Baseline.objects.get(project=cycle.own)
    client = client_for(cycle.head)
    url = f"{BASELINES}{baseline.pk}/"

    assert client.patch(url, {"version": 1, "reason": "Edited"}, format="json").status_code == 405
    assert client.put(url, {"version": 1, **NEW_BASELINE}, format="json").status_code == 405
    assert client.delete(url).status_code == 405
    baseline.refresh_from_db()
    assert baseline.reason == "Business case approved"


def test_baselines_of_hidden_projects_are_not_listed_or_found(client_for, cycle):
    client = client_for(cycle.pm)
    hidden = Baseline.objects.get(project=cycle.secret)

    listed = client.get(BASELINES).json()["results"]
    one = client.get(f"{BASELINES}?project=OWN-1").json()["results"]

    assert sorted(b["project"] for b in listed) == ["OTH-1", "OWN-1"]
    assert [(b["project"], b["number"], b["milestones"]) for b in one] == [
        ("OWN-1", 1, [{"name": "Go live", "due": "2026-12-01"}])
    ]
    assert client.get(f"{BASELINES}{hidden.pk}/").status_code == 404


# Project tolerances -------------------------------------------------------------------------


def test_the_pmo_sets_a_projects_own_tolerance_and_the_verdicts_follow(client_for, cycle, draft):
    services.highlight_report_update(
        actor=cycle.pm,
        report=draft,
        fields={"forecast_finish": dt.date(2027, 1, 8)},
        expected_version=draft.version,
    )
    services.highlight_report_submit(actor=cycle.pm, report=draft, expected_version=draft.version)
    client = client_for(cycle.officer)
    assert client.get(f"{CHECKS}?project=OWN-1&dimension=time").json()["results"][0]["status"] == "within"

    response = client.post(
        TOLERANCES, {"project": "OWN-1", "dimension": "time", "absolute": "7"}, format="json"
    )

    assert response.status_code == 201, response.json()
    assert response.json()["unit"] == "days"
    assert response.json()["absolute"] == "7.00"
    check = client.get(f"{CHECKS}?project=OWN-1&dimension=time").json()["results"][0]
    assert check["status"] == "breached"
    assert check["explanation"]
    assert cycle.own.exceptions.count() == 1


def test_a_second_tolerance_for_the_same_dimension_is_refused(client_for, cycle):
    existing = services.tolerance_set(
        actor=cycle.head, project=cycle.own, dimension="cost", absolute=None, percent=Decimal(10)
    )

    response = client_for(cycle.officer).post(
        TOLERANCES, {"project": "OWN-1", "dimension": "cost", "percent": "5"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "dimension": [TOLERANCE_EXISTS.format(project="OWN-1", dimension="cost", pk=existing.pk)]
    }


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"absolute": "-3"}, "absolute", NEGATIVE_AMOUNT),
        ({"percent": "-1"}, "percent", NEGATIVE_AMOUNT),
        ({}, "non_field_errors", NEEDS_ALLOWANCE),
        ({"dimension": "mood", "absolute": "1"}, "dimension", '"mood" is not a valid choice.'),
        ({"absolute": "1", "direction": "sideways"}, "direction", '"sideways" is not a valid choice.'),
    ],
)
def test_bad_tolerances_are_refused(client_for, cycle, body, field, message):
    response = client_for(cycle.officer).post(
        TOLERANCES, {"project": "OWN-1", "dimension": "time", **body}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {field: [message]}
    assert not Tolerance.objects.exists()


def test_changing_and_clearing_a_tolerance(client_for, cycle):
    tolerance = services.tolerance_set(
        actor=cycle.head, project=cycle.own, dimension="cost", absolute=None, percent=Decimal(10)
    )
    client = client_for(cycle.officer)
    url = f"{TOLERANCES}{tolerance.pk}/"

    changed = client.patch(url, {"version": 1, "percent": "15", "dimension": "time"}, format="json")
    assert changed.status_code == 200, changed.json()
    assert (changed.json()["dimension"], changed.json()["percent"], changed.json()["version"]) == (
        "cost",
        "15.00",
        2,
    )

    replaced = client.put(url, {"version": 2, "absolute": "20000"}, format="json")
    assert (replaced.json()["absolute"], replaced.json()["percent"]) == ("20000.00", None)
    emptied = client.put(url, {"version": 3}, format="json")
    assert emptied.status_code == 400
    assert emptied.json()["fields"] == {"non_field_errors": [NEEDS_ALLOWANCE]}

    stale = client.delete(url, HTTP_IF_MATCH="2")
    assert stale.status_code == 409
    assert client.delete(url, HTTP_IF_MATCH="3").status_code == 204
    assert not Tolerance.objects.exists()
    assert [h.history_type for h in Tolerance.history.filter(id=tolerance.pk)] == ["-", "~", "~", "+"]


def test_a_pm_reads_their_tolerances_but_cannot_set_them(client_for, cycle):
    tolerance = services.tolerance_set(
        actor=cycle.head, project=cycle.own, dimension="cost", absolute=None, percent=Decimal(10)
    )
    services.tolerance_set(
        actor=cycle.head, project=cycle.secret, dimension="cost", absolute=None, percent=Decimal(5)
    )
    client = client_for(cycle.pm)

    assert [t["project"] for t in client.get(TOLERANCES).json()["results"]] == ["OWN-1"]
    assert (
        client.patch(
            f"{TOLERANCES}{tolerance.pk}/", {"version": 1, "percent": "50"}, format="json"
        ).status_code
        == 403
    )
    assert client.delete(f"{TOLERANCES}{tolerance.pk}/").status_code == 403
    refused = client.post(
        TOLERANCES, {"project": "OWN-1", "dimension": "time", "absolute": "30"}, format="json"
    )
    assert refused.status_code == 403
    assert refused.json()["message"] == NOT_ALLOWED.format(action="set tolerances for OWN-1 Libraries Wi-Fi")
    assert Tolerance.objects.count() == 2


def test_tolerance_checks_show_only_visible_projects(client_for, cycle):
    for project, actor in ((cycle.own, cycle.pm), (cycle.secret, cycle.head)):
        report = services.highlight_report_start(actor=actor, project=project, period=cycle.period)
        report = services.highlight_report_update(
            actor=actor,
            report=report,
            fields=dict.fromkeys(services.STATUS_FIELDS, "green") | {"summary": "ok"},
            expected_version=report.version,
        )
        services.highlight_report_submit(actor=actor, report=report, expected_version=report.version)
    assert ToleranceCheck.objects.filter(project=cycle.secret).exists()

    rows = client_for(cycle.pm).get(f"{CHECKS}?ordering=dimension").json()["results"]

    assert {r["project"] for r in rows} == {"OWN-1"}
    assert [r["dimension"] for r in rows] == sorted(r["dimension"] for r in rows)
    assert all(r["status"] == "within" for r in rows)


# Default tolerances -------------------------------------------------------------------------


def test_the_pmo_head_changes_a_default(client_for, cycle):
    default = ToleranceDefault.objects.filter(portfolio__isnull=True).order_by("pk").first()
    client = client_for(cycle.head)

    listed = client.get(f"{DEFAULTS}?size_tier={default.size_tier}&dimension={default.dimension}").json()
    assert [d["id"] for d in listed["results"]] == [default.pk]

    response = client.patch(
        f"{DEFAULTS}{default.pk}/",
        {"version": default.version, "percent": "12.5", "size_tier": "major"},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["percent"] == "12.50"
    assert response.json()["size_tier"] == default.size_tier
    assert client.get(f"{DEFAULTS}{default.pk}/history/").json()[0]["who"] == str(cycle.head)


@pytest.mark.parametrize("role", [Role.PMO_OFFICER, Role.PMO_ANALYST, Role.PROJECT_MANAGER])
def test_only_the_pmo_head_changes_defaults(client_for, make_user, cycle, role):
    default = ToleranceDefault.objects.order_by("pk").first()
    client = client_for(make_user(role))

    assert client.get(f"{DEFAULTS}{default.pk}/").status_code == 200
    response = client.patch(
        f"{DEFAULTS}{default.pk}/", {"version": default.version, "percent": "99"}, format="json"
    )

    assert response.status_code == 403
    default.refresh_from_db()
    assert default.percent != Decimal(99)


def test_the_pmo_head_adds_and_deletes_a_portfolio_default(client_for, cycle):
    client = client_for(cycle.head)
    portfolio = cycle.own.portfolio

    added = client.post(
        DEFAULTS, {"dimension": "cost", "portfolio": portfolio.pk, "percent": "5"}, format="json"
    )

    assert added.status_code == 201, added.json()
    assert (added.json()["portfolio_name"], added.json()["size_tier"], added.json()["unit"]) == (
        portfolio.name,
        "",
        "£",
    )
    again = client.post(
        DEFAULTS, {"dimension": "cost", "portfolio": portfolio.pk, "percent": "7"}, format="json"
    )
    assert again.status_code == 400
    assert again.json()["fields"] == {
        "dimension": [
            TOLERANCE_DEFAULT_EXISTS.format(dimension="cost", scope=portfolio, pk=added.json()["id"])
        ]
    }
    assert client.delete(f"{DEFAULTS}{added.json()['id']}/", HTTP_IF_MATCH="1").status_code == 204
    assert not ToleranceDefault.objects.filter(portfolio=portfolio).exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"size_tier": "small", "portfolio": "PORTFOLIO"}, ONE_SCOPE),
        ({}, NO_SCOPE),
    ],
)
def test_a_default_applies_to_a_tier_or_a_portfolio(client_for, cycle, body, message):
    body = {name: cycle.own.portfolio_id if value == "PORTFOLIO" else value for name, value in body.items()}
    before = ToleranceDefault.objects.count()

    response = client_for(cycle.head).post(
        DEFAULTS, {"dimension": "risk", "absolute": "2", **body}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {"non_field_errors": [message]}
    assert ToleranceDefault.objects.count() == before


def test_an_officer_cannot_add_or_delete_defaults(client_for, cycle):
    default = ToleranceDefault.objects.order_by("pk").first()
    client = client_for(cycle.officer)

    added = client.post(
        DEFAULTS, {"dimension": "cost", "portfolio": cycle.own.portfolio_id, "percent": "5"}, format="json"
    )

    assert added.status_code == 403
    assert client.delete(f"{DEFAULTS}{default.pk}/").status_code == 403
    assert ToleranceDefault.objects.filter(pk=default.pk).exists()


# The tolerances that apply -------------------------------------------------------------------


def test_the_effective_tolerances_say_where_each_comes_from(client_for, cycle):
    own = services.tolerance_set(
        actor=cycle.head, project=cycle.own, dimension="time", absolute=Decimal(7), percent=None
    )
    portfolio_default = services.tolerance_default_create(
        actor=cycle.head, dimension="cost", absolute=None, percent=Decimal(3), portfolio=cycle.own.portfolio
    )
    tier_benefits = ToleranceDefault.objects.get(size_tier=cycle.own.size_tier, dimension="benefits")

    response = client_for(cycle.pm).get(f"{TOLERANCES}effective/?project=OWN-1")

    assert response.status_code == 200, response.json()
    rows = {row["dimension"]: row for row in response.json()}
    assert rows["time"] == {
        "dimension": "time",
        "unit": "days",
        "absolute": "7.00",
        "percent": None,
        "direction": "both",
        "sign": "±",
        "source": "project",
        "tolerance": own.pk,
        "default": None,
    }
    assert (rows["cost"]["source"], rows["cost"]["default"], rows["cost"]["percent"]) == (
        "portfolio",
        portfolio_default.pk,
        "3.00",
    )
    assert (rows["benefits"]["source"], rows["benefits"]["default"]) == ("size_tier", tier_benefits.pk)
    assert (rows["benefits"]["direction"], rows["benefits"]["sign"]) == ("one_way", "-")


def test_the_effective_tolerances_need_a_visible_project(client_for, cycle):
    client = client_for(cycle.pm)

    missing = client.get(f"{TOLERANCES}effective/")
    hidden = client.get(f"{TOLERANCES}effective/?project=SEC-1")

    assert missing.status_code == 400
    assert missing.json()["fields"] == {"project": [PROJECT_CODE_REQUIRED]}
    assert hidden.status_code == 404
    assert client_for(cycle.head).get(f"{TOLERANCES}effective/?project=sec-1").status_code == 200


def test_a_tolerance_counts_one_way_or_both_and_says_so_by_its_sign(client_for, cycle, draft):
    services.highlight_report_update(
        actor=cycle.pm,
        report=draft,
        fields={"forecast_finish": dt.date(2026, 10, 1)},  # 78 days before the baseline finish
        expected_version=draft.version,
    )
    services.highlight_report_submit(actor=cycle.pm, report=draft, expected_version=draft.version)
    client = client_for(cycle.officer)

    one_way = client.post(
        TOLERANCES,
        {"project": "OWN-1", "dimension": "time", "absolute": "30", "direction": "one_way"},
        format="json",
    )
    within = client.get(f"{CHECKS}?project=OWN-1&dimension=time").json()["results"][0]
    both = client.patch(
        f"{TOLERANCES}{one_way.json()['id']}/", {"version": 1, "direction": "both"}, format="json"
    )
    breached = client.get(f"{CHECKS}?project=OWN-1&dimension=time").json()["results"][0]

    assert one_way.status_code == 201, one_way.json()
    assert (one_way.json()["direction"], one_way.json()["sign"]) == ("one_way", "+")
    assert within["status"] == "within" and "tolerance +30 days" in within["explanation"]
    assert (both.json()["direction"], both.json()["sign"], both.json()["absolute"]) == ("both", "±", "30.00")
    assert breached["status"] == "breached" and "tolerance ±30 days" in breached["explanation"]


def test_a_default_tolerance_says_which_way_it_counts(client_for, cycle):
    default = ToleranceDefault.objects.get(
        portfolio=None, size_tier=cycle.own.size_tier, dimension="benefits"
    )
    client = client_for(cycle.head)

    shown = client.get(f"{DEFAULTS}{default.pk}/").json()
    changed = client.patch(
        f"{DEFAULTS}{default.pk}/", {"version": default.version, "direction": "both"}, format="json"
    )

    assert (shown["direction"], shown["sign"]) == ("one_way", "-")
    assert changed.status_code == 200, changed.json()
    assert (changed.json()["direction"], changed.json()["sign"]) == ("both", "±")
