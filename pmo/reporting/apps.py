from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ReportingConfig(AppConfig):
    name = "pmo.reporting"
    label = "reporting"
    verbose_name = "Reporting cycle"

    def ready(self) -> None:
        from pmo.reporting import first_run
        from pmo.reporting.upgrades import rejudge_tolerances

        first_run.register_steps()

        post_migrate.connect(rejudge_tolerances, sender=self, dispatch_uid="reporting-rejudge-tolerances")
