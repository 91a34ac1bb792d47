"""The register's tables, defined once: which columns each kind of record shows, how a column
reads its value from a record and how it sorts. The web tables, the Excel/CSV exports and the
``pmo export`` command all read these definitions, so they cannot disagree."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Expression,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from pmo.core.project_status import evidence_statuses
from pmo.core.register_figures import RegisterFigure, figure_of, figures, load_register_figures
from pmo.portfolio.choices import Priority, SizeTier
from pmo.portfolio.models import Programme, StrategicObjective
from pmo.portfolio.selectors import project_list

UNKNOWN_COLUMNS = "Unknown column(s): {keys}. Choose from: {choices}."
NO_BASELINE = "none yet (proposed figures)"


@dataclass(frozen=True)
class Column:
    """One column of a register table.

    ``read`` returns the raw value (text, number, date, bool, a record, a list of records or
    None); ``kind`` says how the web page shows it (text, link, money, number, date, status,
    flag, list); ``sort`` is the field or expression the table orders by (None: not sortable).
    """

    key: str
    label: str
    read: Callable[[Any], Any]
    sort: str | Expression | None = None
    kind: str = "text"

    @property
    def numeric(self) -> bool:
        return self.kind in ("money", "number")

    def value(self, record: Any) -> Any:
        """The plain value written to a spreadsheet cell."""
        return plain(self.read(record))


def plain(value: Any) -> Any:
    """A value as a spreadsheet cell holds it: text, number, date or empty."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if value is None or isinstance(value, str | int | float | Decimal | date):
        return value
    if isinstance(value, list | tuple):
        return ", ".join(str(plain(item)) for item in value)
    return str(value)


def attr(path: str) -> Callable[[Any], Any]:
    """Read ``a.b.c`` from a record, stopping at the first empty link."""
    parts = path.split(".")

    def read(record: Any) -> Any:
        for part in parts:
            if record is None:
                return None
            record = getattr(record, part)
        return record

    return read


def label(name: str) -> Callable[[Any], Any]:
    """The readable label of a choice field."""
    return lambda record: getattr(record, f"get_{name}_display")()


def choice_order(field: str, choices: Any) -> Case:
    """Sort a choice field in the order its choices are declared (Critical before Low)."""
    return Case(
        *(When(**{field: value}, then=Value(index)) for index, value in enumerate(choices.values)),
        output_field=IntegerField(),
    )


def project_objectives(project: Any) -> list[StrategicObjective]:
    """The project's strategic objectives; for a project read "as of" a date, the ones it had then."""
    as_of = getattr(project, "as_of_objectives", None)
    return as_of if as_of is not None else list(project.strategic_objectives.all())


def baseline_label(project: Any) -> str:
    """Which baseline holds the approved plan ("v4"), or that there is none yet."""
    number = getattr(project, "baseline_version", None)
    return f"v{number}" if number else NO_BASELINE


# The ratings a highlight report declares, best first (the reporting cycle's, by value).
RATINGS = ("green", "amber_green", "amber", "amber_red", "red")
NOT_REPORTED = "Not reported"
NOT_JUDGED = "Not judged"


@dataclass(frozen=True)
class Rated:
    """A status as a cell shows it: its rating value (for colour) and its words."""

    rating: str
    label: str
    reasons: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.label


def declared(project: Any) -> Rated:
    """The overall status the project's latest handed-in report declares, in words."""
    value = getattr(project, "declared_status", None) or ""
    return Rated(value, value.replace("_", "/").capitalize() if value else NOT_REPORTED)


def evidence(project: Any) -> Any:
    """The evidence-based status ``load_evidence`` set on the project."""
    return getattr(project, "evidence_status", None) or Rated("", NOT_JUDGED)


def load_evidence(projects: Sequence[Any]) -> Sequence[Any]:
    """Set each project's evidence-based status (as the app judging it reads it), in a fixed
    number of queries whatever the number of projects."""
    if projects:
        found = evidence_statuses(projects)
        for project in projects:
            project.evidence_status = found.get(project.pk)
    return projects


def rating_order(field: str) -> Case:
    """Sort a rating best to worst; none yet sorts first."""
    return Case(
        *(When(**{field: value}, then=Value(index + 1)) for index, value in enumerate(RATINGS)),
        default=Value(0),
        output_field=IntegerField(),
    )


def text(key: str, label_: str, *, kind: str = "text") -> Column:
    return Column(key, label_, attr(key), key, kind)


def related(key: str, label_: str, sort: str = "name") -> Column:
    return Column(key, label_, attr(key), f"{key}__{sort}")


def choice(key: str, label_: str, choices: Any = None) -> Column:
    return Column(key, label_, label(key), choice_order(key, choices) if choices else key)


PROJECT_COLUMNS: tuple[Column, ...] = (
    text("code", "Code", kind="link"),
    text("name", "Name", kind="link"),
    related("portfolio", "Portfolio"),
    related("programme", "Programme"),
    related("department", "Department"),
    related("sponsor", "Sponsor"),
    related("project_manager", "Project manager"),
    related("business_owner", "Business owner"),
    choice("category", "Category"),
    choice("methodology", "Methodology"),
    choice("size_tier", "Size tier", SizeTier),
    related("stage", "Stage", sort="order"),
    Column("status", "Status", label("status"), "status", "status"),
    Column("declared_status", "Declared", declared, rating_order("declared_status"), "rating"),
    Column("evidence_status", "Evidence", evidence, None, "rating"),
    text("planned_start", "Planned start", kind="date"),
    text("approved_finish", "Approved finish", kind="date"),
    text("approved_budget", "Approved budget (£)", kind="money"),
    Column("baseline_version", "Baseline", baseline_label, "baseline_version"),
    text("planned_finish", "Proposed finish (before a baseline)", kind="date"),
    text("budget", "Proposed budget (£, before a baseline)", kind="money"),
    choice("priority", "Priority", Priority),
    Column("strategic_objectives", "Strategic objectives", project_objectives, None, "list"),
    text("confidential", "Confidential", kind="flag"),
    text("description", "Description"),
)
# What fits 1280 px wide beside the filters (long names are cut short, whole on hover).
DEFAULT_PROJECT_COLUMNS = (
    "code",
    "name",
    "project_manager",
    "stage",
    "status",
    "declared_status",
    "evidence_status",
    "approved_finish",
    "approved_budget",
)


def figure_column(figure: RegisterFigure) -> Column:
    """The column of a figure another app gives the register (``pmo.core.register_figures``):
    not sortable, as the evidence is not (the app reads it for the page's projects)."""
    return Column(figure.key, figure.label, lambda record: figure_of(record, figure.key), None, figure.kind)


@cache
def project_columns() -> tuple[Column, ...]:
    """Every column the register can show: ``PROJECT_COLUMNS`` and, after the baseline's, the
    figures the other apps give it (finance's forecast cost, ADR 0055)."""
    at = [column.key for column in PROJECT_COLUMNS].index("baseline_version") + 1
    given = tuple(figure_column(figure) for figure in figures())
    return (*PROJECT_COLUMNS[:at], *given, *PROJECT_COLUMNS[at:])


@cache
def default_project_columns() -> tuple[str, ...]:
    """The columns the register shows unless others are chosen: ``DEFAULT_PROJECT_COLUMNS`` and
    the figures the other apps give it to show by default."""
    return (*DEFAULT_PROJECT_COLUMNS, *(figure.key for figure in figures() if figure.default))


def load_figures(projects: Sequence[Any], columns: Iterable[Column]) -> Sequence[Any]:
    """Read the figures other apps give the projects for the columns shown among ``columns``
    (one query per app giving them, whatever the number of projects; none if none is shown)."""
    given = {figure.key for figure in figures()}
    if keys := [column.key for column in columns if column.key in given]:
        load_register_figures(projects, keys)
    return projects


def columns_by_key(columns: Sequence[Column], keys: Iterable[str]) -> list[Column]:
    """The named columns in the order given; raises ValueError naming any unknown key."""
    known = {column.key: column for column in columns}
    keys = list(dict.fromkeys(keys))
    if unknown := [key for key in keys if key not in known]:
        raise ValueError(UNKNOWN_COLUMNS.format(keys=", ".join(unknown), choices=", ".join(known)))
    return [known[key] for key in keys]


def register_rows(
    projects: Iterable[Any], columns: Sequence[Column] | None = None
) -> tuple[list[str], list[list[Any]]]:
    """Headers and plain rows for an export of ``projects`` (default: the default columns)."""
    columns = columns or columns_by_key(project_columns(), default_project_columns())
    if any(c.key == "evidence_status" for c in columns):
        projects = load_evidence(list(projects))
    projects = load_figures(list(projects), columns)
    return [c.label for c in columns], [[c.value(p) for c in columns] for p in projects]


def project_totals(user: Any, link: str) -> dict[str, Expression]:
    """Annotations counting the projects ``user`` may see under each record (through the project
    field ``link``) and adding up their approved budgets: one subquery each, no row joins."""
    visible = project_list(user=user).filter(**{link: OuterRef("pk")}).order_by().values(link)
    return {
        "project_count": Coalesce(Subquery(visible.annotate(n=Count("pk")).values("n")), 0),
        "budget_total": Coalesce(
            Subquery(visible.annotate(total=Sum("approved_budget")).values("total")),
            Value(Decimal(0)),
            output_field=DecimalField(max_digits=16, decimal_places=2),
        ),
    }


def with_project_totals(link: str) -> Callable[[QuerySet[Any], Any], QuerySet[Any]]:
    return lambda queryset, user: queryset.annotate(**project_totals(user, link))


def unit_projects(unit: Any) -> Q:
    """An organisation unit's projects: its own and those of the units under it (a directorate's
    departments and their service areas)."""
    return Q(department=unit) | Q(department__parent=unit) | Q(department__parent__parent=unit)


def with_unit_totals(queryset: QuerySet[Any], user: Any) -> QuerySet[Any]:
    """Each unit's project count and approved budget, its sub-units' projects included: one
    subquery each (a count over the matching projects, grouped by nothing)."""
    visible = project_list(user=user).filter(unit_projects(OuterRef("pk"))).order_by()
    whole = visible.annotate(unit=Value(1)).values("unit")
    return queryset.annotate(
        project_count=Coalesce(Subquery(whole.annotate(n=Count("pk")).values("n")), 0),
        budget_total=Coalesce(
            Subquery(whole.annotate(total=Sum("approved_budget")).values("total")),
            Value(Decimal(0)),
            output_field=DecimalField(max_digits=16, decimal_places=2),
        ),
    )


PROJECT_COUNT = Column("project_count", "Projects", attr("project_count"), "project_count", "number")
BUDGET_TOTAL = Column("budget_total", "Approved budget (£)", attr("budget_total"), "budget_total", "money")

PROGRAMME_COLUMNS = (
    text("code", "Code", kind="link"),
    text("name", "Name", kind="link"),
    related("portfolio", "Portfolio"),
    related("sponsor", "Sponsor"),
    related("manager", "Programme manager"),
    PROJECT_COUNT,
    BUDGET_TOTAL,
)
PORTFOLIO_COLUMNS = (
    text("name", "Name", kind="link"),
    related("owner", "Owner"),
    Column("programme_count", "Programmes", attr("programme_count"), "programme_count", "number"),
    PROJECT_COUNT,
    BUDGET_TOTAL,
)
ORG_UNIT_COLUMNS = (
    text("name", "Name", kind="link"),
    choice("kind", "Kind"),
    related("parent", "Part of"),
    PROJECT_COUNT,
)
OBJECTIVE_COLUMNS = (
    text("code", "Code", kind="link"),
    text("title", "Title", kind="link"),
    text("is_active", "Active", kind="flag"),
    PROJECT_COUNT,
)
PERSON_COLUMNS = (
    text("name", "Name", kind="link"),
    text("job_title", "Job title"),
    related("org_unit", "Organisation unit"),
    text("email", "E-mail"),
)
LIFECYCLE_COLUMNS = (
    text("order", "Order", kind="number"),
    text("name", "Stage"),
    text("gate_name", "Entry gate"),
    text("description", "Description"),
    PROJECT_COUNT,
)


def with_programme_count(queryset: QuerySet[Any], user: Any) -> QuerySet[Any]:
    programmes = Programme.objects.filter(portfolio=OuterRef("pk")).order_by().values("portfolio")
    return with_project_totals("portfolio")(queryset, user).annotate(
        programme_count=Coalesce(Subquery(programmes.annotate(n=Count("pk")).values("n")), 0)
    )


def projects_involving(person: Any) -> Q:
    return Q(sponsor=person) | Q(project_manager=person) | Q(business_owner=person)
