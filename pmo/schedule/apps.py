from django.apps import AppConfig


class ScheduleConfig(AppConfig):
    name = "pmo.schedule"
    label = "schedule"
    verbose_name = "Schedules"
