"""Background tasks of the reporting cycle (Django's Tasks API, run by ``pmo worker``)."""

from dataclasses import asdict

from django_tasks import task

from pmo.reporting.services import reporting_cycle_run


@task()
def reporting_cycle() -> dict[str, int]:
    """The periodic run: open periods, remind, flag late reports, chase exception reports."""
    return asdict(reporting_cycle_run())
