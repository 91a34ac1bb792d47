from django.apps import AppConfig


class ChangeConfig(AppConfig):
    name = "pmo.change"
    label = "change"
    verbose_name = "Change control"
