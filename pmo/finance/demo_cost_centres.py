"""The demo's PMO cost centre (ADR 0053): the IT PMO's own running budget as the job description
(seed 000) gives it: "outside of staff costs, this is likely to be below £50k".

The head of the PMO holds it; finance sets each financial year's budget at the year's start
(last year's and this year's: the team's pay, then a non-staff budget under the £50k limit for
the portfolio tool's licences, training and certification, a contractor for the quarter's
benefits review, and memberships and events) and revises this year's in October (training moved
to the spring, the contractor's days brought forward). Its ledger lines ride in the monthly
extract the project demo loads (``ledger_rows``, called from ``pmo.finance.demo._load``): staff
at the budget, give or take a little; non-staff close to it, so the year lands under the limit.
The head of the PMO forecasts the rest of the year each month after finance closes the month
before: last month's forecast (the budget as it stands) and this month's (the tool's renewal
dearer, a spring course cheaper), both kept as versions, the year still under the limit.
Randomness is this module's own seeded generator, so the projects' stories do not move."""

import datetime as dt
import random
from decimal import Decimal

from pmo.core.demo import demo_moment, demo_run, demo_step
from pmo.core.models import User
from pmo.engine.finance import FinancialYear, add_months, financial_year
from pmo.finance import cost_centres, selectors, services
from pmo.finance.choices import SpendType
from pmo.finance.models import CostCategory, CostCentre, CostCode, FundingSource
from pmo.finance.services import LedgerRow, MonthAmount
from pmo.portfolio.demo import DemoContext

CENTRE_SEED = 53
CODE, NAME = "PMO", "IT Portfolio Management Office"
NON_STAFF_LIMIT = Decimal(50_000)

# (code, category, description)
STAFF = ("PMO-STF", "Staff", "PMO team: head of PMO, analysts and officer (pay and on-costs)")
NON_STAFF = (
    ("PMO-SW", "Software", "Portfolio tool licences and subscriptions"),
    ("PMO-TRN", "Services", "Training and certification (APM, P3O, MSP)"),
    ("PMO-CON", "Contractors", "Interim analyst for the benefits review"),
    ("PMO-OTH", "Other", "Memberships, events and the PMO community of practice"),
)
STAFF_MONTH = Decimal(19_250)  # four posts' pay and on-costs, a month
PAY_AWARD_MONTH = 5  # from the year's sixth month (September) the pay award, 3%
SOFTWARE_MONTH = Decimal(1_150)
# training in the spring and the autumn; the contractor's 30 days in the third quarter; other
# spend spread thin with the community-of-practice event in the tenth month
TRAINING = {1: Decimal(3_200), 2: Decimal(1_800), 6: Decimal(2_400), 7: Decimal(1_600)}
CONTRACTOR = {6: Decimal(6_000), 7: Decimal(6_000), 8: Decimal(6_000)}
OTHER = {index: Decimal(300) for index in range(12)} | {9: Decimal(1_450)}
REVISED_TRAINING = {
    1: Decimal(3_200),
    2: Decimal(1_800),
    6: Decimal(1_200),
    10: Decimal(2_000),
    11: Decimal(1_600),
}
REVISED_CONTRACTOR = {6: Decimal(9_000), 7: Decimal(9_000)}
REVISED_IN = 6  # this year's budget is revised in its seventh month (October)
REVISED = (
    "Revised in October: some of the autumn's training moved to the new year, the contractor's days "
    "into October and November."
)

_CODES: dict[str, CostCode] = {}


def _plan(
    year: FinancialYear, training: dict[int, Decimal], contractor: dict[int, Decimal]
) -> dict[tuple[dt.date, str], Decimal]:
    """The year's budget by (month, code)."""
    plan: dict[tuple[dt.date, str], Decimal] = {}
    for index, month in enumerate(year.months):
        staff = STAFF_MONTH * (Decimal("1.03") if index >= PAY_AWARD_MONTH else 1)
        plan[(month, STAFF[0])] = staff.quantize(Decimal(1))
        plan[(month, "PMO-SW")] = SOFTWARE_MONTH
        for code, spread in (("PMO-TRN", training), ("PMO-CON", contractor), ("PMO-OTH", OTHER)):
            if index in spread:
                plan[(month, code)] = spread[index]
    return plan


def _lines(plan: dict[tuple[dt.date, str], Decimal]) -> list[MonthAmount]:
    return [
        MonthAmount(
            month=month,
            category=_CODES[code].category,
            spend_type=_CODES[code].spend_type,
            funding_source=_CODES[code].funding_source,
            amount=amount,
        )
        for (month, code), amount in sorted(plan.items())
    ]


_PLANS: dict[dt.date, dict[tuple[dt.date, str], Decimal]] = {}  # the budget in force, by month
_RNG: list[random.Random] = []


@demo_step(order=214)
def pmo_cost_centre(ctx: DemoContext) -> None:
    """The PMO cost centre, its cost codes and last year's and this year's budgets (this year's
    revised in October), each set by finance on its day, before the months' ledger loads."""
    _CODES.clear()
    _PLANS.clear()
    _RNG[:] = [random.Random(CENTRE_SEED)]  # noqa: S311 - reproducible demo data, not security
    finance, head = ctx.users["finance"], ctx.users["head"]
    first_month = selectors.finance_settings().first_month
    this_year = financial_year(ctx.today, first_month)
    last_year = this_year.previous()
    set_up = demo_moment(last_year.start - dt.timedelta(days=20), 10)
    centre = demo_run(
        set_up, cost_centres.cost_centre_create, actor=finance,
        fields={"code": CODE, "name": NAME, "holder": head},
    )  # fmt: skip
    categories = {row.name: row for row in CostCategory.objects.all()}
    revenue = FundingSource.objects.get(name="Revenue budget")
    for code, category, text in (STAFF, *NON_STAFF):
        _CODES[code] = demo_run(
            set_up + dt.timedelta(minutes=10), services.cost_code_create, actor=finance,
            fields={
                "code": code, "description": text, "cost_centre": centre, "category": categories[category],
                "spend_type": SpendType.REVENUE, "funding_source": revenue,
            },
        )  # fmt: skip
    for year, note in (
        (last_year, "The year's budget as the council set it."),
        (this_year, "The year's budget as the council set it: non-staff spend under £50k."),
    ):
        plan = _plan(year, TRAINING, CONTRACTOR)
        _set(centre, year, plan, note, demo_moment(year.start - dt.timedelta(days=10), 11), finance)
    revised_on = add_months(this_year.start, REVISED_IN)
    if revised_on < ctx.today.replace(day=1):
        plan = _plan(this_year, REVISED_TRAINING, REVISED_CONTRACTOR)
        # the months gone by keep what the budget said of them
        kept = {
            key: amount
            for month in this_year.months
            if month < revised_on
            for key, amount in _PLANS[month].items()
        }
        plan = kept | {key: amount for key, amount in plan.items() if key[0] >= revised_on}
        _set(centre, this_year, plan, REVISED, demo_moment(revised_on + dt.timedelta(days=2), 15), finance)


def _set(
    centre: CostCentre,
    year: FinancialYear,
    plan: dict[tuple[dt.date, str], Decimal],
    note: str,
    at: dt.datetime,
    finance: User,
) -> None:
    budget = centre.budgets.filter(year=year.start_year).first()
    demo_run(
        at, cost_centres.cost_centre_budget_set, actor=finance, cost_centre=centre, year=year,
        lines=_lines(plan), fields={"non_staff_limit": NON_STAFF_LIMIT, "note": note},
        expected_version=budget.version if budget is not None else None,
    )  # fmt: skip
    for month in year.months:  # a revision keeps the months gone by: overwriting them is the same
        _PLANS[month] = {key: amount for key, amount in plan.items() if key[0] == month}


def ledger_rows(month: dt.date) -> list[LedgerRow]:
    """The PMO cost centre's ledger lines of ``month`` (none before last financial year, or
    without the demo's cost centre): each code's budget for the month, the pay to the pound and
    the rest a little under or over it."""
    plan = _PLANS.get(month)
    if not plan or not _RNG:
        return []
    rng = _RNG[0]
    rows: list[LedgerRow] = []
    for (_, code), budgeted in sorted(plan.items()):
        if code == STAFF[0]:
            amount = budgeted
        else:
            amount = (budgeted * Decimal(str(round(rng.uniform(0.9, 1.04), 3)))).quantize(Decimal("0.01"))
        rows.append(
            LedgerRow(code, month, amount, _CODES[code].description[:150], f"P{month:%y%m}-{code[4:]}")
        )
    return rows


FORECAST_DAY = 12  # the head of the PMO forecasts the rest of the year after finance closes a month
SOFTWARE_RENEWAL = Decimal(1_800)  # the tool's renewal, dearer than budgeted, in the year's last month
TRAINING_SAVED = Decimal(1_000)  # a course of the spring taken online
FORECASTS = (
    "On budget: the contractor's days as revised, the spring's training as planned.",
    "The portfolio tool's renewal is quoted £1,800 over its budget; one spring course is taken "
    "online (£1,000 less). Non-staff spend still lands under the £50k limit.",
)


@demo_step(order=250)
def pmo_cost_centre_forecasts(ctx: DemoContext) -> None:
    """The head of the PMO's forecasts of the rest of the year: last month's (the budget as it
    stands) and this month's (the tool's renewal dearer, a course cheaper), each a version kept;
    the year still lands under the limit. Made before the demo's months are closed (step 280
    closes each on its day in the past), so each starts in the month it was made in."""
    centre = CostCentre.objects.filter(code=CODE).first()
    if centre is None or not _CODES:
        return
    first_month = selectors.finance_settings().first_month
    this_month = ctx.today.replace(day=1)
    last_month = add_months(this_month, -1)
    moments = (
        demo_moment(last_month.replace(day=FORECAST_DAY), 10),
        demo_moment(ctx.today, 9),
    )
    for number, (at, note) in enumerate(zip(moments, FORECASTS, strict=True)):
        year = financial_year(at.date(), first_month)
        first = demo_run(at, cost_centres.forecast_first_month, year=year)
        if first is None or at.date() > ctx.today:
            continue
        plan = {
            key: amount
            for month in year.months
            if month >= first
            for key, amount in _PLANS.get(month, {}).items()
        }
        if number == 1:
            renewal = (year.last_month, "PMO-SW")
            plan[renewal] = plan.get(renewal, Decimal(0)) + SOFTWARE_RENEWAL
            spring = next((key for key in sorted(plan) if key[1] == "PMO-TRN"), None)
            if spring is not None:
                plan[spring] = max(plan[spring] - TRAINING_SAVED, Decimal(0))
        demo_run(
            at, cost_centres.cost_centre_forecast_make, actor=ctx.users["head"], cost_centre=centre,
            year=year, lines=_lines(plan), note=note,
        )  # fmt: skip
