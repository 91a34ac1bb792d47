"""Finance's API writes: cost codes, budgets (drafted with their lines, given new lines,
approved), a load of ledger actuals, a project's forecast for the current period, and months
closed and opened again. Each refusal names what is wrong and where (a line by its position
and field), a stale version is a conflict, and a role that may not is refused. Run on
4 December 2026 (financial year 2026/27)."""

from datetime import date

import pytest

from pmo.finance.models import ActualLine, BudgetVersion, CostCode, ForecastVersion, MonthLock
from pmo.reporting.tests.factories import PeriodFactory

# The clock runs: a draft's new lines and a forecast made again are versions by the time they
# were made (the services write the moment).
pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-12-04 10:00", tick=True)]
OCT, NOV, DEC = "2026-10-01", "2026-11-01", "2026-12-01"


def budget_line(month, amount, category="Software", **extra):
    return {"month": month, "category": category, "spend_type": "revenue", "amount": str(amount), **extra}


def post(client, url, body, status):
    response = client.post(url, body, format="json")
    assert response.status_code == status, response.content
    return response.json() if response.content else None


# Cost codes --------------------------------------------------------------------------------


def test_finance_adds_and_changes_a_cost_code_with_its_version(client_for, books):
    client = client_for(books.finance)
    body = {"code": "C3001", "project": "WEB", "category": "Staff", "spend_type": "capital"}
    made = post(client, "/api/v1/cost-codes/", body, 201)
    assert (made["code"], made["project"], made["category"], made["funding_source"]) == (
        "C3001",
        "WEB",
        "Staff",
        None,
    )

    url = f"/api/v1/cost-codes/{made['id']}/"
    changed = client.patch(url, {"version": 1, "funding_source": "Capital programme"}, format="json")
    assert changed.status_code == 200, changed.content
    assert (changed.json()["funding_source"], changed.json()["version"]) == ("Capital programme", 2)

    stale = client.patch(url, {"version": 1, "active": False}, format="json")
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2
    assert CostCode.objects.get(code="C3001").active
    assert len(client.get(f"{url}history/").json()) == 2


def test_a_cost_code_is_refused_naming_its_field_and_only_finance_and_the_pmo_add_one(client_for, books):
    finance = client_for(books.finance)
    refused = post(
        finance,
        "/api/v1/cost-codes/",
        {"code": "C3009", "project": "WEB", "category": "Catering", "spend_type": "revenue"},
        400,
    )
    assert set(refused["fields"]) == {"category"}

    taken = post(
        finance,
        "/api/v1/cost-codes/",
        {"code": "C1001", "project": "WEB", "category": "Staff", "spend_type": "revenue"},
        400,
    )
    assert "code" in taken["fields"]

    body = {"code": "C3002", "project": "WEB", "category": "Staff", "spend_type": "revenue"}
    assert post(client_for(books.cast.pm), "/api/v1/cost-codes/", body, 403)["message"]
    assert not CostCode.objects.filter(code="C3002").exists()


# Budgets -----------------------------------------------------------------------------------


def test_a_budget_is_drafted_with_its_lines_given_new_ones_and_approved(client_for, books):
    client = client_for(books.finance)
    draft = post(
        client,
        "/api/v1/budgets/",
        {"project": "WEB", "reason": "Business case", "lines": [budget_line(DEC, 1000)]},
        201,
    )
    assert (draft["number"], draft["status"], draft["total"], draft["version"]) == (1, "draft", "1000.00", 1)
    url = f"/api/v1/budgets/{draft['id']}/"

    lines = [
        budget_line(DEC, 1000),
        budget_line("2027-01-01", 500, "Staff", funding_source="Capital programme"),
    ]
    replaced = client.put(f"{url}lines/", {"version": 1, "lines": lines}, format="json")
    assert replaced.status_code == 200, replaced.content
    assert (replaced.json()["total"], replaced.json()["version"]) == ("1500.00", 2)
    assert replaced.json()["lines"][1]["funding_source"] == "Capital programme"

    stale = client.put(f"{url}lines/", {"version": 1, "lines": []}, format="json")
    assert stale.status_code == 409

    approved = post(client, f"{url}approve/", {"version": 2}, 200)
    assert (approved["status"], approved["approved_by_name"]) == ("approved", "finance")

    again = post(client, f"{url}approve/", {"version": 3}, 400)
    assert "approved" in again["message"]
    assert client.put(f"{url}lines/", {"version": 3, "lines": []}, format="json").status_code == 400
    assert len(client.get(f"{url}history/").json()) == 3


def test_bad_budget_lines_are_refused_by_position_and_field_and_nothing_is_written(client_for, books):
    client = client_for(books.finance)
    body = {
        "project": "WEB",
        "reason": "v1",
        "lines": [
            budget_line(NOV, 10),
            budget_line(DEC, -5),
            budget_line(NOV, 20),
            budget_line(DEC, 1, "Catering"),
        ],
    }
    unknown = post(client, "/api/v1/budgets/", body, 400)
    assert unknown["fields"] == {
        "lines": {"3": {"category": [unknown["fields"]["lines"]["3"]["category"][0]]}}
    }
    assert "Catering" in unknown["fields"]["lines"]["3"]["category"][0]

    body["lines"].pop()
    answer = post(client, "/api/v1/budgets/", body, 400)
    refused = answer["fields"]["lines"]
    assert set(refused) == {"1", "2"}
    assert refused["1"] == {"amount": ["A budget cannot be negative (got \u2212£5)."]}
    assert answer["message"] == "lines: A budget cannot be negative (got \u2212£5)."
    assert "repeats row 0" in refused["2"]["non_field_errors"][0]

    shape = post(
        client, "/api/v1/budgets/", {"project": "WEB", "reason": "v1", "lines": [{"month": "soon"}]}, 400
    )
    assert {"month", "category", "spend_type", "amount"} <= set(shape["fields"]["lines"]["0"])
    assert not BudgetVersion.objects.exists()


def test_a_budget_may_not_change_a_closed_month_and_only_finance_and_the_pmo_draft(client_for, books):
    client = client_for(books.finance)
    post(client, "/api/v1/closed-months/", {"month": NOV}, 201)
    refused = post(
        client, "/api/v1/budgets/", {"project": "WEB", "reason": "v1", "lines": [budget_line(NOV, 10)]}, 400
    )
    assert "November 2026 is closed" in refused["fields"]["lines"]["non_field_errors"][0]

    body = {"project": "WEB", "reason": "v1", "lines": [budget_line(DEC, 10)]}
    assert post(client_for(books.cast.pm), "/api/v1/budgets/", body, 403)["fields"] == {}
    draft = post(client_for(books.cast.analyst), "/api/v1/budgets/", body, 201)
    assert post(client_for(books.cast.pm), f"/api/v1/budgets/{draft['id']}/approve/", {"version": 1}, 403)
    lines = {"version": 1, "lines": [budget_line(DEC, 99)]}
    assert (
        client_for(books.cast.pm)
        .put(f"/api/v1/budgets/{draft['id']}/lines/", lines, format="json")
        .status_code
        == 403
    )
    assert BudgetVersion.objects.get().status == "draft"
    assert BudgetVersion.objects.get().lines.get().amount == 10

    books.cast.other_project.confidential = True
    books.cast.other_project.save()
    hidden = post(client_for(books.cast.pm), "/api/v1/budgets/", {**body, "project": "HR"}, 400)
    assert set(hidden["fields"]) == {"project"}


# Actuals -----------------------------------------------------------------------------------


def test_finance_loads_a_month_of_actuals_and_loading_it_again_replaces_it(client_for, books):
    client = client_for(books.finance)
    body = {
        "reference": "Ledger Nov",
        "month": NOV,
        "lines": [
            {"cost_code": "C1001", "amount": "950.25", "reference": "INV-1"},
            {"cost_code": "R2001", "amount": "-40", "month": OCT},
        ],
    }
    load = post(client, "/api/v1/actuals/", body, 201)
    assert (load["lines"], load["replaced"], load["total"], load["first_month"]) == (2, 0, "910.25", OCT)
    again = post(client, "/api/v1/actuals/", body, 201)
    assert again["replaced"] == 2
    assert ActualLine.objects.count() == 2


def test_a_bad_load_names_each_row_and_field_and_writes_nothing(client_for, books):
    client = client_for(books.finance)
    post(client, "/api/v1/closed-months/", {"month": OCT}, 201)
    body = {
        "lines": [
            {"cost_code": "C1001", "amount": "10", "month": NOV},
            {"cost_code": "X9", "amount": "10", "month": NOV},
            {"cost_code": "C1001", "amount": "10", "month": "2027-01-01"},
            {"cost_code": "C1001", "amount": "10", "month": OCT},
            {"cost_code": "C1001", "amount": "10", "month": NOV, "currency": "EUR"},
        ]
    }
    refused = post(client, "/api/v1/actuals/", body, 400)["fields"]["lines"]
    assert {row: set(fields) for row, fields in refused.items()} == {
        "1": {"cost_code"},
        "2": {"month"},
        "3": {"month"},
        "4": {"currency"},
    }
    assert "closed" in refused["3"]["month"][0]
    assert post(client, "/api/v1/actuals/", {"lines": [{"cost_code": "C1001", "amount": "1"}]}, 400)[
        "fields"
    ] == {"lines": {"0": {"month": ["Give the line's month, or the load's month."]}}}
    outside = post(
        client,
        "/api/v1/actuals/",
        {"year": 2025, "month": NOV, "lines": [{"cost_code": "C1001", "amount": "1"}]},
        400,
    )
    assert "2025/26" in outside["fields"]["lines"]["0"]["month"][0]
    assert post(
        client_for(books.cast.pm), "/api/v1/actuals/", {"month": NOV, "lines": body["lines"][:1]}, 403
    )
    assert not ActualLine.objects.exists()


# Forecasts ---------------------------------------------------------------------------------


def test_the_pm_forecasts_the_current_period_and_makes_it_again_with_its_version(client_for, books):
    PeriodFactory(start=date(2026, 12, 1))
    client = client_for(books.cast.pm)
    body = {
        "project": "WEB",
        "note": "On track",
        "lines": [budget_line(DEC, 100), budget_line("2027-01-01", 50)],
    }
    made = post(client, "/api/v1/forecasts/", body, 201)
    assert (made["period_start"], made["total"], made["made_by_name"]) == (DEC, "150.00", "pm")

    assert "version" in post(client, "/api/v1/forecasts/", body, 400)["fields"]
    assert client.post("/api/v1/forecasts/", {**body, "version": 7}, format="json").status_code == 409
    again = post(client, "/api/v1/forecasts/", {**body, "version": 1, "lines": [budget_line(DEC, 90)]}, 200)
    assert (again["total"], again["version"]) == ("90.00", 2)
    assert ForecastVersion.objects.count() == 1


def test_a_forecast_is_refused_for_an_earlier_month_another_pm_s_project_or_no_period(client_for, books):
    client = client_for(books.cast.pm)
    body = {"project": "WEB", "lines": [budget_line(DEC, 100)]}
    assert "No reporting period" in post(client, "/api/v1/forecasts/", body, 400)["message"]

    PeriodFactory(start=date(2026, 12, 1))
    early = post(client, "/api/v1/forecasts/", {"project": "WEB", "lines": [budget_line(NOV, 1)]}, 400)
    assert set(early["fields"]["lines"]["0"]) == {"month"}
    assert post(client_for(books.cast.other_pm), "/api/v1/forecasts/", body, 403)["message"]

    books.cast.other_project.confidential = True
    books.cast.other_project.save()
    hidden = post(client, "/api/v1/forecasts/", {"project": "HR", "lines": []}, 400)
    assert set(hidden["fields"]) == {"project"}
    assert not ForecastVersion.objects.exists()


# Closed months -----------------------------------------------------------------------------


def test_finance_closes_a_month_and_opens_it_again_saying_why(client_for, books):
    client = client_for(books.finance)
    closed = post(client, "/api/v1/closed-months/", {"month": NOV}, 201)
    assert (closed["month"], closed["locked_by_name"]) == (NOV, "finance")
    assert (
        "already closed" in post(client, "/api/v1/closed-months/", {"month": NOV}, 400)["fields"]["month"][0]
    )
    assert "has not begun" in post(client, "/api/v1/closed-months/", {"month": "2027-01-01"}, 400)["message"]
    assert set(post(client, "/api/v1/closed-months/", {"month": "2026-11-15"}, 400)["fields"]) == {"month"}
    assert [
        m["month"]
        for m in client_for(books.cast.pm).get("/api/v1/closed-months/?year=2026").json()["results"]
    ] == [NOV]
    assert client.get("/api/v1/closed-months/?year=2025").json()["count"] == 0

    url = f"/api/v1/closed-months/{closed['id']}/"
    assert post(client_for(books.cast.pm), "/api/v1/closed-months/", {"month": OCT}, 403)
    assert post(client_for(books.cast.pm), f"{url}reopen/", {"reason": "Late invoice"}, 403)
    assert "reason" in post(client, f"{url}reopen/", {}, 400)["fields"]
    assert post(client, f"{url}reopen/", {"reason": "Late invoice"}, 204) is None
    assert not MonthLock.objects.exists()
