from django.apps import AppConfig


class RaidConfig(AppConfig):
    name = "pmo.raid"
    label = "raid"
    verbose_name = "RAID registers"
