"""Cost centres over the API: ``cost-centres`` (with the current year's figures, a year's
budget, actual and forecast against the non-staff limit, history), ``cost-centre-budgets``
(set with every line, set again with the version), cost codes and ledger lines charged to a cost
centre; refusals by field and position, a stale version a conflict, a role that may not a 403.
The lists' queries do not grow with the rows."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pmo.core.choices import Role
from pmo.finance import services
from pmo.finance.models import ActualImport, ActualLine, CostCategory, CostCentreBudget
from pmo.finance.selectors import finance_settings
from pmo.finance.services import LedgerRow
from pmo.finance.tests.cost_centres.conftest import OCT
from pmo.finance.tests.cost_centres.test_pages import add_centres

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-12-04 10:00", tick=True)]


def post(client, url, body, status, method="post", **extra):
    response = getattr(client, method)(url, body, format="json", **extra)
    assert response.status_code == status, response.content
    return response.json() if response.content else None


def test_a_cost_centre_reads_with_its_year_against_the_limit(client_for, pmo_centre):
    services.actuals_load(
        actor=pmo_centre.books.finance,
        rows=[LedgerRow("PMO-STF", OCT, Decimal(10_000)), LedgerRow("PMO-TRN", OCT, Decimal(5_500))],
        reference="Ledger",
        year=2026,
    )
    client = client_for(pmo_centre.books.cast.executive)

    listed = client.get("/api/v1/cost-centres/").json()["results"]
    assert [(c["code"], c["year_budget"], c["year_actual"], c["non_staff_limit"]) for c in listed] == [
        ("PMO", "56000.00", "15500.00", "50000.00")
    ]
    year = client.get("/api/v1/cost-centres/PMO/year/", {"year": 2026}).json()
    assert (
        year["name"],
        year["split"],
        year["non_staff_limit"],
        year["limit_headroom"],
        year["over_limit"],
    ) == (
        "2026/27",
        "2026-12-01",
        "50000.00",
        "36500.00",
        False,
    )
    assert year["non_staff"] == {
        "budget": "16000.00",
        "actual_to_date": "5500.00",
        "forecast_remaining": "8000.00",
        "eac": "13500.00",
        "variance": "2500.00",
    }
    assert len(year["months"]) == 12 and year["months"][6]["actual"] == "15500.00"
    assert client.get("/api/v1/cost-centres/PMO/year/", {"year": "26"}).status_code == 400
    history = client.get("/api/v1/cost-centres/PMO/history/").json()
    assert history[0]["kind"] == "created"
    lines = client.get("/api/v1/actuals/", {"cost_centre": "PMO"}).json()["results"]
    assert sorted((a["cost_code"], a["project"], a["cost_centre"]) for a in lines) == [
        ("PMO-STF", None, "PMO"),
        ("PMO-TRN", None, "PMO"),
    ]
    codes = client.get("/api/v1/cost-codes/", {"cost_centre": "PMO"}).json()["results"]
    assert [(c["code"], c["project"], c["cost_centre_name"]) for c in codes] == [
        ("PMO-STF", None, "IT Portfolio Management Office"),
        ("PMO-TRN", None, "IT Portfolio Management Office"),
    ]
    pm = client_for(pmo_centre.books.cast.pm)
    assert pm.get("/api/v1/cost-centres/").json()["count"] == 0
    assert pm.get("/api/v1/cost-centres/PMO/").status_code == 404
    assert pm.get("/api/v1/actuals/", {"cost_centre": "PMO"}).json()["count"] == 0


def test_finance_sets_a_years_budget_and_sets_it_again_with_its_version(client_for, pmo_centre):
    client = client_for(pmo_centre.books.finance)
    body = {
        "cost_centre": "PMO",
        "year": 2027,
        "non_staff_limit": "48000.00",
        "lines": [
            {"month": "2027-04-01", "category": "Staff", "spend_type": "revenue", "amount": "20000"},
            {"month": "2027-04-01", "category": "Software", "spend_type": "revenue", "amount": "1150"},
        ],
    }
    made = post(client, "/api/v1/cost-centre-budgets/", body, 201)
    assert (made["year"], made["total"], made["non_staff_limit"], len(made["lines"])) == (
        2027,
        "21150.00",
        "48000.00",
        2,
    )
    again = post(client, "/api/v1/cost-centre-budgets/", body, 400)
    assert again["fields"]["year"] == ["This cost centre already has a budget for this year."]

    url = f"/api/v1/cost-centre-budgets/{made['id']}/"
    refused = post(
        client,
        url,
        {"version": made["version"], "lines": [{**body["lines"][0], "month": "2026-04-01"}]},
        400,
        method="put",
    )
    assert refused["fields"]["lines"] == {
        "0": {"month": ["April 2026 is not in 2027/28 (April 2027 to March 2028)."]}
    }
    post(client, url, {"version": made["version"] - 1, "lines": []}, 409, method="put")
    saved = post(client, url, {"version": made["version"], "lines": body["lines"][:1]}, 200, method="put")
    assert (saved["version"], saved["total"], saved["non_staff_limit"]) == (
        made["version"] + 1,
        "20000.00",
        "48000.00",
    )
    assert len(client.get(f"{url}history/").json()) == 2
    executive = client_for(pmo_centre.books.cast.executive)
    post(executive, "/api/v1/cost-centre-budgets/", {**body, "year": 2028}, 403)
    post(executive, url, {"version": saved["version"], "lines": []}, 403, method="put")
    assert CostCentreBudget.objects.get(year=2027).version == saved["version"]


def test_finance_adds_a_cost_centre_and_a_code_for_it_and_loads_its_lines(client_for, pmo_centre):
    client = client_for(pmo_centre.books.finance)
    made = post(client, "/api/v1/cost-centres/", {"code": "EITG", "name": "Enterprise IT governance"}, 201)
    assert made["url"].endswith("/api/v1/cost-centres/EITG/")
    changed = post(
        client, "/api/v1/cost-centres/EITG/", {"name": "IT governance", "version": 1}, 200, method="patch"
    )
    assert changed["name"] == "IT governance"
    code = {"code": "EITG-OTH", "cost_centre": "EITG", "category": "Other", "spend_type": "revenue"}
    assert post(client, "/api/v1/cost-codes/", code, 201)["cost_centre"] == "EITG"
    both = post(client, "/api/v1/cost-codes/", {**code, "code": "X1", "project": "WEB"}, 400)
    assert both["message"] == "A cost code charges a project or a cost centre: give one of them, not both."
    load = {"lines": [{"cost_code": "EITG-OTH", "month": "2026-11-01", "amount": "250.00"}]}
    post(client, "/api/v1/actuals/", load, 201)
    assert ActualLine.objects.get(cost_code__code="EITG-OTH").cost_centre.code == "EITG"
    unknown = post(client, "/api/v1/actuals/", {"lines": [{**load["lines"][0], "cost_code": "NOPE"}]}, 400)
    assert unknown["fields"]["lines"]["0"]["cost_code"] == [
        "'NOPE' is not a cost code (add it under Finance, cost codes, first)."
    ]
    assert ActualImport.objects.count() == 1
    post(client_for(pmo_centre.books.cast.pm), "/api/v1/cost-centres/", {"code": "Z", "name": "Z"}, 403)


def count(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(context.captured_queries), response.json()["count"]


@pytest.mark.parametrize(
    ("url", "role", "pinned"),
    [
        # session, user, roles, the settings row (the current year), count, page (with the holder
        # and the year's budget, actuals and limit)
        ("/api/v1/cost-centres/", Role.FINANCE_PARTNER, 6),
        ("/api/v1/cost-centres/?search=CC&ordering=-code", Role.EXECUTIVE, 6),
        # session, user, roles, count, page (with the cost centre and the total), the lines
        ("/api/v1/cost-centre-budgets/?year=2026", Role.FINANCE_PARTNER, 6),
        # session, user, roles, count, page of codes (their project and cost centre)
        ("/api/v1/cost-codes/?cost_centre=", Role.FINANCE_PARTNER, 5),
    ],
)
def test_cost_centre_lists_do_not_grow_with_the_rows(client_for, make_user, url, role, pinned):
    finance_settings()
    staff = CostCategory.objects.get(name="Staff")
    client = client_for(make_user(role))
    add_centres(3, staff)
    few, few_rows = count(client, url)

    add_centres(27, staff)
    many, many_rows = count(client, url)

    assert (few, many) == (pinned, pinned)
    assert many_rows - few_rows == 27
