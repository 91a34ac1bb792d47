from django.apps import AppConfig


class RaidConfig(AppConfig):
    name = "pmo.raid"
    label = "raid"
    verbose_name = "RAID registers"

    def ready(self) -> None:
        """``pmo import`` and ``pmo export`` learn the six registers (risks, assumptions…)."""
        from pmo.core.imports import EXPORT_KINDS, IMPORT_KINDS
        from pmo.raid.exports import exporter
        from pmo.raid.imports import importer
        from pmo.raid.models import REGISTERS

        for kind in REGISTERS:
            IMPORT_KINDS[kind] = importer(kind)
            EXPORT_KINDS[kind] = exporter(kind)
