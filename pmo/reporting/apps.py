from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "pmo.reporting"
    label = "reporting"
    verbose_name = "Reporting cycle"
