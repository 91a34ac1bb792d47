"""The portfolio's steps of the head of PMO's first-run checklist (``pmo.core.first_run``):
the lifecycle, the register's reference data and the projects, each ticked by the data."""

from typing import Any

from pmo.core.first_run import SETUP_STEPS, SetupStep
from pmo.portfolio.models import LifecycleStage, OrgUnit, Person, Portfolio, Project


def lifecycle_settled(user: Any) -> bool:
    """Someone has edited the installed lifecycle, or projects have been placed in its stages
    (keeping the defaults is going straight on to load them)."""
    return LifecycleStage.history.filter(history_user__isnull=False).exists() or Project.objects.exists()


def reference_data_loaded(user: Any) -> bool:
    """The register has departments, people and a portfolio for projects to name."""
    return OrgUnit.objects.exists() and Person.objects.exists() and Portfolio.objects.exists()


def projects_loaded(user: Any) -> bool:
    return Project.objects.exists()


def register_steps() -> None:
    SETUP_STEPS["lifecycle"] = SetupStep(
        10, "Set the lifecycle stages",
        "Review the six installed stages and their gates; rename, add or remove to match yours. "
        "Done once you edit one, or once projects are loaded into them.",
        "portfolio:lifecyclestage_list", lifecycle_settled,
    )  # fmt: skip
    SETUP_STEPS["reference-data"] = SetupStep(
        50, "Load departments, people, objectives, portfolios and programmes",
        "From Excel, in that order, on the Moving in page. Done once departments, people and a "
        "portfolio are in the register.",
        "portfolio:reference_import_index", reference_data_loaded,
    )  # fmt: skip
    SETUP_STEPS["projects"] = SetupStep(
        60, "Import the projects",
        "Load the project register from Excel. Done once the register holds a project.",
        "portfolio:project_import", projects_loaded,
    )  # fmt: skip
