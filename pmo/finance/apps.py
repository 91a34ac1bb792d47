from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "pmo.finance"
    label = "finance"
    verbose_name = "Finance"

    def ready(self) -> None:
        """``pmo import actuals FILE`` loads a ledger extract."""
        from pmo.core.imports import IMPORT_KINDS
        from pmo.finance.imports import actuals_import

        IMPORT_KINDS["actuals"] = actuals_import
