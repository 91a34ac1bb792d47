from django.apps import AppConfig


class AssuranceConfig(AppConfig):
    name = "pmo.assurance"
    label = "assurance"
    verbose_name = "Assurance"
