"""Filters of the project register, shared by the register page, its exports and the API."""

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from pmo.core.filters import FilterSet
from pmo.portfolio.choices import Methodology, Priority, ProjectCategory, ProjectStatus, SizeTier
from pmo.portfolio.models import (
    LifecycleStage,
    OrgUnit,
    Person,
    Portfolio,
    Programme,
    Project,
    StrategicObjective,
)


class ProjectFilter(FilterSet):
    """``?q=`` searches code, name, description, sponsor and PM; every other filter accepts
    several values (``?status=active&status=on_hold``)."""

    q = django_filters.CharFilter(method="search", label="Search")
    form_kept = True  # the same filters on every request: the form's class is made once

    def in_units(self, queryset: QuerySet[Any], name: str, units: Any) -> QuerySet[Any]:
        """Projects of the chosen units or of units under them (a directorate's departments)."""
        if not units:
            return queryset
        return queryset.filter(
            Q(department__in=units)
            | Q(department__parent__in=units)
            | Q(department__parent__parent__in=units)
        )

    # A choice of several values is one "IN" on the project's own column, which repeats no row:
    # django-filter's default DISTINCT would make the register's count and page queries compare
    # every column of every matching project. Only the objectives (many-to-many) need it.
    portfolio = django_filters.ModelMultipleChoiceFilter(queryset=Portfolio.objects.all(), distinct=False)
    programme = django_filters.ModelMultipleChoiceFilter(queryset=Programme.objects.all(), distinct=False)
    department = django_filters.ModelMultipleChoiceFilter(
        queryset=OrgUnit.objects.all(), distinct=False, method="in_units"
    )
    stage = django_filters.ModelMultipleChoiceFilter(queryset=LifecycleStage.objects.all(), distinct=False)
    status = django_filters.MultipleChoiceFilter(choices=ProjectStatus.choices, distinct=False)
    category = django_filters.MultipleChoiceFilter(choices=ProjectCategory.choices, distinct=False)
    methodology = django_filters.MultipleChoiceFilter(choices=Methodology.choices, distinct=False)
    size_tier = django_filters.MultipleChoiceFilter(choices=SizeTier.choices, distinct=False)
    priority = django_filters.MultipleChoiceFilter(choices=Priority.choices, distinct=False)
    sponsor = django_filters.ModelMultipleChoiceFilter(queryset=Person.objects.all(), distinct=False)
    project_manager = django_filters.ModelMultipleChoiceFilter(
        queryset=Person.objects.all(), label="Project manager", distinct=False
    )
    strategic_objective = django_filters.ModelMultipleChoiceFilter(
        field_name="strategic_objectives", queryset=StrategicObjective.objects.all(), distinct=True
    )
    confidential = django_filters.BooleanFilter()

    class Meta:
        model = Project
        fields: list[str] = []

    def search(self, queryset: QuerySet[Project], name: str, value: str) -> QuerySet[Project]:
        for term in value.split():
            queryset = queryset.filter(
                Q(code__icontains=term)
                | Q(name__icontains=term)
                | Q(description__icontains=term)
                | Q(sponsor__name__icontains=term)
                | Q(project_manager__name__icontains=term)
            )
        return queryset
