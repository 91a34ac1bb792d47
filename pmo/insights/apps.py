from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "pmo.insights"
    label = "insights"
    verbose_name = "Dashboards"
