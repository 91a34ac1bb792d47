"""The portfolio register: organisation, strategy, people, lifecycle, portfolios, programmes and
projects. Every model keeps history and a version (``pmo.core.models.DomainModel``)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from pmo.core.links import address
from pmo.core.models import DomainModel
from pmo.core.text_limits import DESCRIPTION, BoundedTextField
from pmo.portfolio.choices import (
    Methodology,
    OrgUnitKind,
    Priority,
    ProjectCategory,
    ProjectStatus,
    SizeTier,
)

FINISH_BEFORE_START = "The planned finish must be on or after the planned start."
PROGRAMME_IN_OTHER_PORTFOLIO = "Programme {programme} belongs to portfolio {portfolio}, not {chosen}."
PARENT_LOOP = "An organisation unit cannot sit under itself."
PROJECTS_IN_OTHER_PORTFOLIO = (
    "{count} of this programme's projects are in its current portfolio: move them first, so that "
    "every project sits in its programme's portfolio."
)

code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
    "Use letters, digits, dots, dashes and underscores only, starting with a letter or digit.",
)


class OrgUnit(DomainModel):
    """A directorate, department or business service area of the organisation."""

    name = models.CharField(max_length=150, unique=True)
    kind = models.CharField(max_length=20, choices=OrgUnitKind.choices, default=OrgUnitKind.DEPARTMENT)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = "organisation unit"

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": PARENT_LOOP})

    def get_absolute_url(self) -> str:
        return address("portfolio:orgunit_detail", self.pk)


class StrategicObjective(DomainModel):
    """An objective of the organisation's strategy that projects contribute to."""

    code = models.CharField(max_length=20, unique=True, validators=[code_validator])
    title = models.CharField(max_length=200)
    description = BoundedTextField(blank=True, limit=DESCRIPTION)
    is_active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return address("portfolio:strategicobjective_detail", self.pk)


class Person(DomainModel):
    """Someone who holds a role on projects (sponsor, PM, business owner…), with or without a
    login. ``user`` links the person to their account."""

    name = models.CharField(max_length=150)
    email = models.EmailField(unique=True)
    job_title = models.CharField(max_length=150, blank=True)
    org_unit = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="people"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return address("portfolio:person_detail", self.pk)


class LifecycleStage(DomainModel):
    """A stage of the project lifecycle, entered through the gate named ``gate_name``.

    The lifecycle is configuration the PMO edits; ``order`` sets the sequence."""

    name = models.CharField(max_length=80, unique=True)
    order = models.PositiveSmallIntegerField(unique=True)
    gate_name = models.CharField(
        max_length=120, blank=True, help_text="The gate a project passes to enter this stage."
    )
    description = BoundedTextField(blank=True, limit=DESCRIPTION)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("portfolio:lifecyclestage_list")


class Portfolio(DomainModel):
    """A collection of projects and programmes managed together (e.g. the IT portfolio)."""

    name = models.CharField(max_length=150, unique=True)
    description = BoundedTextField(blank=True, limit=DESCRIPTION)
    owner = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="owned_portfolios"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return address("portfolio:portfolio_detail", self.pk)


class Programme(DomainModel):
    """A group of related projects delivering a shared outcome, within one portfolio."""

    code = models.CharField(max_length=20, unique=True, validators=[code_validator])
    name = models.CharField(max_length=150, unique=True)
    description = BoundedTextField(blank=True, limit=DESCRIPTION)
    portfolio = models.ForeignKey(Portfolio, on_delete=models.PROTECT, related_name="programmes")
    sponsor = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sponsored_programmes",
        help_text="Senior responsible owner.",
    )
    manager = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="managed_programmes"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.pk and self.portfolio_id:
            elsewhere = self.projects.exclude(portfolio_id=self.portfolio_id).count()
            if elsewhere:
                raise ValidationError({"portfolio": PROJECTS_IN_OTHER_PORTFOLIO.format(count=elsewhere)})

    def get_absolute_url(self) -> str:
        return address("portfolio:programme_detail", self.pk)


class Project(DomainModel):
    """A project in the portfolio register."""

    code = models.CharField(max_length=20, unique=True, validators=[code_validator])
    name = models.CharField(max_length=200)
    description = BoundedTextField(blank=True, limit=DESCRIPTION)
    portfolio = models.ForeignKey(Portfolio, on_delete=models.PROTECT, related_name="projects")
    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.PROTECT, related_name="projects"
    )
    department = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="projects")
    sponsor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="sponsored_projects")
    project_manager = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="managed_projects")
    business_owner = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="owned_projects"
    )
    category = models.CharField(max_length=30, choices=ProjectCategory.choices)
    methodology = models.CharField(max_length=20, choices=Methodology.choices, default=Methodology.WATERFALL)
    size_tier = models.CharField(max_length=10, choices=SizeTier.choices)
    stage = models.ForeignKey(LifecycleStage, on_delete=models.PROTECT, related_name="projects")
    status = models.CharField(max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.PROPOSED)
    planned_start = models.DateField(null=True, blank=True)
    planned_finish = models.DateField(null=True, blank=True)
    budget = models.DecimalField(
        "headline budget (£)",
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.MEDIUM)
    strategic_objectives = models.ManyToManyField(StrategicObjective, blank=True, related_name="projects")
    confidential = models.BooleanField(
        default=False, help_text="Visible only to the PMO, the sponsor and the project manager."
    )

    history = HistoricalRecords(m2m_fields=[strategic_objectives])

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_finish__gte=models.F("planned_start"))
                | models.Q(planned_start__isnull=True)
                | models.Q(planned_finish__isnull=True),
                name="project_finish_after_start",
                violation_error_message=FINISH_BEFORE_START,
            ),
            models.CheckConstraint(condition=models.Q(budget__gte=0), name="project_budget_not_negative"),
        ]
        indexes = [
            models.Index(fields=["status", "code"]),
            models.Index(fields=["name"]),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        """Both rules across fields, each problem reported (not only the first)."""
        errors = {}
        if self.planned_start and self.planned_finish and self.planned_finish < self.planned_start:
            errors["planned_finish"] = FINISH_BEFORE_START
        programme = self.programme if self.programme_id else None
        if programme is not None and self.portfolio_id and programme.portfolio_id != self.portfolio_id:
            errors["programme"] = PROGRAMME_IN_OTHER_PORTFOLIO.format(
                programme=programme, portfolio=programme.portfolio, chosen=self.portfolio
            )
        if errors:
            raise ValidationError(errors)

    def get_absolute_url(self) -> str:
        return address("portfolio:project_detail", self.code)


class SavedView(DomainModel):
    """A person's named way of seeing the project register: the filters, columns and sort of its
    address (``query``, as ``status=active&cols=code,name&sort=-code``). Its link is the register
    with that address, so whoever opens it sees the same choice (of the projects they may see)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views")
    name = models.CharField(max_length=80)
    query = models.CharField(max_length=2000, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="saved_view_name_once_per_owner")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def link(self) -> str:
        return f"{reverse('portfolio:project_list')}?{self.query}"
