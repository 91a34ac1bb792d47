from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "pmo.governance"
    label = "governance"
    verbose_name = "Governance"

    def ready(self) -> None:
        from pmo.governance import guard  # noqa: F401  (registers the stage move guard)
