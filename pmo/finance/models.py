"""Finance: what each project may spend (budget versions phased by month), what it has spent
(actuals from the ledger, by cost code and month) and what it expects to spend (forecast
versions, one per reporting period), in the PMO's financial year and currency.

Money is held by month (the ``date`` of the month's first day), cost category, capital or
revenue, and funding source; the sums by financial year and the project's EAC come from
``pmo.engine.finance``. A month finance has closed (``MonthLock``) takes no more writes.
See docs/adr/ on the finance records."""

import re
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from pmo.change.models import ChangeRequest
from pmo.core.models import DomainModel
from pmo.core.restrict import RestrictedQuerySet
from pmo.core.text_limits import NOTE, BoundedJSONField, BoundedTextField
from pmo.finance.choices import MONTHS, BudgetStatus, SpendType
from pmo.portfolio.models import Project
from pmo.reporting.models import Baseline, ProjectException, ReportingPeriod

NOT_A_MONTH = "Give a month as its first day ({day:%-d %B %Y} is not the first of a month)."
NEGATIVE_AMOUNT = "An amount cannot be negative."
CURRENCY_CODE = "A currency is its three-letter ISO 4217 code, in capitals (GBP, EUR)."
NOT_THIS_PROJECT = "{record} is not a record of {project}."
CENTRE_CODE = (
    "A cost centre's code has no spaces or slashes and is not \"new\" (it is part of its page's address)."
)

not_negative = [MinValueValidator(Decimal(0), NEGATIVE_AMOUNT)]
currency_code = RegexValidator(re.compile(r"^[A-Z]{3}$"), CURRENCY_CODE)


def check_month(value: date) -> None:
    """A month is stored as its first day."""
    if value is not None and value.day != 1:
        raise ValidationError(NOT_A_MONTH.format(day=value))


class FinanceSettings(DomainModel):
    """How the PMO counts money: the month its financial year starts (April for UK public
    bodies), its currency, and the cost and schedule performance indices below which a project's
    earned value counts as evidence of trouble."""

    first_month = models.PositiveSmallIntegerField(
        "financial year starts in", choices=MONTHS, default=4, validators=[MinValueValidator(1)]
    )
    currency = models.CharField(max_length=3, default="GBP", validators=[currency_code])
    cpi_threshold = models.DecimalField(
        "CPI below which cost performance is a concern",
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.95"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(2))],
    )
    spi_t_threshold = models.DecimalField(
        "SPI(t) below which schedule performance is a concern",
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.95"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(2))],
    )
    cost_tolerance_on_eac = models.BooleanField(
        "judge the cost tolerance on finance's EAC",
        default=True,
        help_text="Once a project has an approved budget, its cost tolerance judges finance's EAC "
        "rather than the forecast its highlight report states. Turn off while finance's figures "
        "are being loaded and checked, before they are trusted.",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "finance settings"
        verbose_name_plural = "finance settings"

    def __str__(self) -> str:
        return "Finance settings"


class CostCategory(DomainModel):
    """What money is spent on (staff, contractors, software…): the PMO's own list."""

    name = models.CharField(max_length=60, unique=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Where it comes in lists.")
    active = models.BooleanField(default=True, help_text="Off: kept for old lines, not offered for new.")
    staff = models.BooleanField(
        "staff costs",
        default=False,
        help_text="The pay of the organisation's own staff: a cost centre's non-staff limit leaves it out.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "cost categories"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("finance:costcategory_detail", args=[self.pk])


class FundingSource(DomainModel):
    """Where money comes from (a capital programme, a revenue budget, a grant)."""

    name = models.CharField(max_length=100, unique=True)
    active = models.BooleanField(default=True, help_text="Off: kept for old lines, not offered for new.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("finance:fundingsource_detail", args=[self.pk])


def _one_owner() -> models.Q:
    """Exactly one of a project and a cost centre."""
    return models.Q(project__isnull=False, cost_centre__isnull=True) | models.Q(
        project__isnull=True, cost_centre__isnull=False
    )


class CostCentre(DomainModel):
    """A part of the organisation that holds a running budget year by year rather than a
    project's (the PMO's own budget, ADR 0053): its cost codes charge it, and each financial
    year has a budget phased by month and category."""

    code = models.CharField(
        max_length=30, unique=True, validators=[RegexValidator(r"^(?!new$)[^/\s]+$", CENTRE_CODE)]
    )
    name = models.CharField(max_length=200)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="budget holder",
        help_text="Who answers for its spend (the head of the PMO for the PMO's own budget).",
    )
    active = models.BooleanField(default=True, help_text="Off: kept for its past years.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("finance:costcentre_detail", args=[self.code])


ONE_OWNER = "A cost code charges a project or a cost centre: give one of them, not both."


class CostCode(DomainModel):
    """A code of the finance ledger and what its lines are charged to (a project, or a cost
    centre such as the PMO's own budget), with the category, capital or revenue, and funding
    source those lines count under."""

    code = models.CharField(max_length=30, unique=True)
    description = models.CharField(max_length=200, blank=True)
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.PROTECT, related_name="cost_codes"
    )
    cost_centre = models.ForeignKey(
        CostCentre, null=True, blank=True, on_delete=models.PROTECT, related_name="cost_codes"
    )
    category = models.ForeignKey(CostCategory, on_delete=models.PROTECT, related_name="cost_codes")
    spend_type = models.CharField("capital or revenue", max_length=10, choices=SpendType.choices)
    funding_source = models.ForeignKey(
        FundingSource, null=True, blank=True, on_delete=models.PROTECT, related_name="cost_codes"
    )
    active = models.BooleanField(default=True, help_text="Off: lines for it are no longer imported.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["project", "code"])]
        constraints = [
            models.CheckConstraint(
                condition=_one_owner(), name="cost_code_one_owner", violation_error_message=ONE_OWNER
            )
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def charges(self) -> "Project | CostCentre | None":
        """The project or cost centre its lines are charged to."""
        return self.project if self.project_id else self.cost_centre


class MonthLock(DomainModel):
    """A month finance has closed: its actuals are final, and no budget, actual or forecast line
    of it may be written any more (unless finance opens it again)."""

    month = models.DateField(unique=True, validators=[check_month])
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    locked_at = models.DateTimeField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-month"]
        verbose_name = "closed month"

    def __str__(self) -> str:
        return f"{self.month:%B %Y} (closed)"


class MonthLine(models.Model):
    """An amount for one month, under a category, capital or revenue, and a funding source."""

    month = models.DateField(validators=[check_month])
    category = models.ForeignKey(CostCategory, on_delete=models.PROTECT, related_name="+")
    spend_type = models.CharField("capital or revenue", max_length=10, choices=SpendType.choices)
    funding_source = models.ForeignKey(
        FundingSource, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(validators=not_negative, max_digits=14, decimal_places=2)

    objects = RestrictedQuerySet.as_manager()  # .restrict(user, action): see pmo.finance.rules

    class Meta:
        abstract = True
        ordering = ["month", "category__position", "spend_type"]

    def __str__(self) -> str:
        return f"{self.month:%b %Y} {self.category} {self.amount}"


def _line_constraints(prefix: str, parent: str) -> list[models.BaseConstraint]:
    """One line per month, category, spend type and funding source (none counting as one) in a
    version, and no negative amount."""
    key = [parent, "month", "category", "spend_type"]
    return [
        models.UniqueConstraint(
            fields=[*key, "funding_source"],
            condition=models.Q(funding_source__isnull=False),
            name=f"{prefix}_line_once",
        ),
        models.UniqueConstraint(
            fields=key, condition=models.Q(funding_source__isnull=True), name=f"{prefix}_line_once_unfunded"
        ),
        models.CheckConstraint(condition=models.Q(amount__gte=0), name=f"{prefix}_line_not_negative"),
    ]


def _line_indexes(prefix: str) -> list[models.Index]:
    """A version's lines summed by month are read from the first index alone (it covers the
    amount: the roll-ups and earned value sum every current version's lines, ADR 0049); the
    second finds the first and last month any line names."""
    return [
        models.Index(fields=["version", "month", "amount"], name=f"{prefix}_line_sums"),
        models.Index(fields=["month"], name=f"{prefix}_line_month"),
    ]


class BudgetVersion(DomainModel):
    """A version of a project's approved budget, phased by month: drafted, then approved, then
    never changed. The latest approved version is the budget; its total is the budget at
    completion. A version made because the plan moved names the baseline, the change request or
    the exception decision that moved it."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="budget_versions")
    number = models.PositiveSmallIntegerField("budget version")
    status = models.CharField(max_length=10, choices=BudgetStatus.choices, default=BudgetStatus.DRAFT)
    reason = BoundedTextField("why this budget", limit=NOTE)
    baseline = models.ForeignKey(
        Baseline, null=True, blank=True, on_delete=models.PROTECT, related_name="budget_versions"
    )
    change_request = models.ForeignKey(
        ChangeRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="budget_versions"
    )
    exception = models.ForeignKey(
        ProjectException, null=True, blank=True, on_delete=models.PROTECT, related_name="budget_versions"
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["project__code", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="budget_version_number_unique"),
            models.UniqueConstraint(
                fields=["project"],
                condition=models.Q(status=BudgetStatus.DRAFT),
                name="one_draft_budget_per_project",
                violation_error_message="This project already has a draft budget: finish that one first.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} budget v{self.number}"

    def clean(self) -> None:
        errors = {}
        for name in ("baseline", "change_request", "exception"):
            linked = getattr(self, name) if getattr(self, f"{name}_id") else None
            if linked is not None and self.project_id and linked.project_id != self.project_id:
                errors[name] = NOT_THIS_PROJECT.format(record=linked, project=self.project.code)
        if errors:
            raise ValidationError(errors)


class BudgetLine(MonthLine):
    """One month's budget of a version under a category, spend type and funding source. Lines
    are written with their draft and never change once it is approved (the version's history
    says when they were replaced)."""

    version = models.ForeignKey(BudgetVersion, on_delete=models.CASCADE, related_name="lines")

    class Meta(MonthLine.Meta):
        constraints = _line_constraints("budget", "version")
        indexes = _line_indexes("budget")


class ActualImport(DomainModel):
    """One load of ledger lines (an extract of the finance system, or lines keyed in): which
    months it covered, for which cost codes, and what it replaced. It is the audit of the actuals:
    their lines are replaced whole when a month is loaded again."""

    reference = models.CharField(max_length=200, help_text="The extract's name or reference.")
    first_month = models.DateField(validators=[check_month])
    last_month = models.DateField(validators=[check_month])
    lines = models.PositiveIntegerField("lines loaded")
    replaced = models.PositiveIntegerField("earlier lines replaced")
    total = models.DecimalField(max_digits=14, decimal_places=2)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.reference} ({self.first_month:%b %Y})"


class ActualLine(models.Model):
    """A ledger line: what a cost code spent in a month (a credit is negative), charged to the
    cost code's project or cost centre under its category, spend type and funding source as they
    stood when it was loaded."""

    cost_code = models.ForeignKey(CostCode, on_delete=models.PROTECT, related_name="actual_lines")
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.PROTECT, related_name="actual_lines"
    )
    cost_centre = models.ForeignKey(
        CostCentre, null=True, blank=True, on_delete=models.PROTECT, related_name="actual_lines"
    )
    month = models.DateField(validators=[check_month])
    category = models.ForeignKey(CostCategory, on_delete=models.PROTECT, related_name="+")
    spend_type = models.CharField("capital or revenue", max_length=10, choices=SpendType.choices)
    funding_source = models.ForeignKey(
        FundingSource, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    description = models.CharField(max_length=200, blank=True)
    source_reference = models.CharField(
        max_length=100, blank=True, help_text="The ledger's reference for the line (journal, invoice)."
    )
    loaded_by = models.ForeignKey(ActualImport, on_delete=models.PROTECT, related_name="actual_lines")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["month", "cost_code__code", "pk"]
        indexes = [
            # covering: a project's sums by month are read from the index alone (ADR 0049)
            models.Index(fields=["project", "month", "amount"], name="actual_line_sums"),
            models.Index(fields=["month", "cost_code"]),
            models.Index(fields=["cost_centre", "month"]),
        ]
        constraints = [models.CheckConstraint(condition=_one_owner(), name="actual_line_one_owner")]

    def __str__(self) -> str:
        return f"{self.cost_code} {self.month:%b %Y} {self.amount}"


class ForecastVersion(DomainModel):
    """A project's forecast made in one reporting period, phased by month from that period's
    month on: kept once made, so the next period's actuals show how good it was. The EAC is the
    actuals before its first month plus its lines."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="forecast_versions")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="forecast_versions")
    note = BoundedTextField(blank=True, limit=NOTE)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["project__code", "-period__start"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "period"],
                name="one_forecast_per_project_and_period",
                violation_error_message="This project already has a forecast for this period.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.project.code} forecast, {self.period}"


class ForecastLine(MonthLine):
    """One month's forecast of a version under a category, spend type and funding source."""

    version = models.ForeignKey(ForecastVersion, on_delete=models.CASCADE, related_name="lines")

    class Meta(MonthLine.Meta):
        constraints = _line_constraints("forecast", "version")
        indexes = _line_indexes("forecast")


class CostCentreBudget(DomainModel):
    """A cost centre's budget for one financial year (``year``, the calendar year it starts in),
    phased by month and category, and the limit its non-staff spend must keep under (the PMO's
    own budget: under £50k outside staff costs). Set by finance partners and the PMO; each change
    is a new version in its history. A closed month's budget does not change."""

    cost_centre = models.ForeignKey(CostCentre, on_delete=models.PROTECT, related_name="budgets")
    year = models.PositiveSmallIntegerField(
        "financial year", validators=[MinValueValidator(2000), MaxValueValidator(2200)]
    )
    non_staff_limit = models.DecimalField(
        "non-staff spend limit",
        null=True,
        blank=True,
        max_digits=14,
        decimal_places=2,
        validators=not_negative,
        help_text="What the year's spend outside staff costs must stay under (blank: no limit).",
    )
    note = BoundedTextField(blank=True, limit=NOTE)

    history = HistoricalRecords()

    class Meta:
        ordering = ["cost_centre__code", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["cost_centre", "year"],
                name="one_budget_per_cost_centre_and_year",
                violation_error_message="This cost centre already has a budget for this year.",
            ),
            models.CheckConstraint(
                condition=models.Q(non_staff_limit__gte=0) | models.Q(non_staff_limit__isnull=True),
                name="cost_centre_limit_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cost_centre.code} budget {self.year}"


class CostCentreBudgetLine(MonthLine):
    """One month's budget of a cost centre's year under a category, spend type and funding
    source (replaced together when the year's budget is set again)."""

    budget = models.ForeignKey(CostCentreBudget, on_delete=models.CASCADE, related_name="lines")

    class Meta(MonthLine.Meta):
        constraints = _line_constraints("centre_budget", "budget")


class CostCentreForecast(DomainModel):
    """A cost centre's forecast for the rest of a financial year (``year``), made in one month
    (``month``, the first month it forecasts: the months before it are actual) and phased by
    month and category from it on. One per cost centre and month: made again in the same month,
    its lines are replaced (its history keeps each); the next month's is a new version, so the
    actuals that follow show how good each was. The year lands at the actuals before the latest
    forecast's month plus its lines (ADR 0053, addendum)."""

    cost_centre = models.ForeignKey(CostCentre, on_delete=models.PROTECT, related_name="forecasts")
    year = models.PositiveSmallIntegerField(
        "financial year", validators=[MinValueValidator(2000), MaxValueValidator(2200)]
    )
    month = models.DateField("forecast from", validators=[check_month])
    note = BoundedTextField(blank=True, limit=NOTE)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["cost_centre__code", "-month"]
        constraints = [
            models.UniqueConstraint(
                fields=["cost_centre", "month"],
                name="one_forecast_per_cost_centre_and_month",
                violation_error_message="This cost centre already has a forecast made in this month.",
            )
        ]
        indexes = [models.Index(fields=["cost_centre", "year", "month"])]

    def __str__(self) -> str:
        return f"{self.cost_centre.code} forecast from {self.month:%b %Y}"


class CostCentreForecastLine(MonthLine):
    """One month's forecast of a cost centre's forecast under a category, spend type and funding
    source (replaced together when the month's forecast is made again)."""

    forecast = models.ForeignKey(CostCentreForecast, on_delete=models.CASCADE, related_name="lines")

    class Meta(MonthLine.Meta):
        constraints = _line_constraints("centre_forecast", "forecast")


class LedgerMapping(models.Model):
    """What each column of a person's ledger extracts holds, when their finance system names
    the columns otherwise than the template (the import page's mapping screen keeps it, so the
    next month's extract imports directly): the header (as ``pmo.core.spreadsheets.key`` folds
    it) to the field, or "" for a column to ignore. A preference, not a record: no history."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    columns = BoundedJSONField(default=dict, limit=NOTE)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Ledger columns of {self.user}"
