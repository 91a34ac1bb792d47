from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "pmo.governance"
    label = "governance"
    verbose_name = "Governance"
