from django.apps import AppConfig


class LessonsConfig(AppConfig):
    name = "pmo.lessons"
    label = "lessons"
    verbose_name = "Lessons learned"
