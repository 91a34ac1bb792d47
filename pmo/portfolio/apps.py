from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    name = "pmo.portfolio"
    label = "portfolio"
    verbose_name = "Portfolio register"

    def ready(self) -> None:
        """``pmo import`` and ``pmo export`` learn the project register and its reference data
        (organisation units, people, strategic objectives, portfolios, programmes)."""
        from pmo.core.imports import EXPORT_KINDS, IMPORT_KINDS
        from pmo.portfolio import reference_imports
        from pmo.portfolio.imports import project_export_table, project_import

        IMPORT_KINDS["projects"] = project_import
        EXPORT_KINDS["projects"] = project_export_table
        for kind in reference_imports.KINDS:
            IMPORT_KINDS[kind] = reference_imports.importer(kind)
            EXPORT_KINDS[kind] = reference_imports.exporter(kind)

        from pmo.portfolio import first_run

        first_run.register_steps()  # the head of PMO's first-run checklist
