from django.apps import AppConfig


class ScheduleConfig(AppConfig):
    name = "pmo.schedule"
    label = "schedule"
    verbose_name = "Schedules"

    def ready(self) -> None:
        """``pmo import`` and ``pmo export`` learn a project's plan (``schedule``)."""
        from pmo.core.imports import PROJECT_EXPORT_KINDS, PROJECT_IMPORT_KINDS
        from pmo.schedule.commands import schedule_export, schedule_import

        PROJECT_IMPORT_KINDS["schedule"] = schedule_import
        PROJECT_EXPORT_KINDS["schedule"] = schedule_export
