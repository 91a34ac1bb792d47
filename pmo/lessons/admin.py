"""The Django admin for lessons: read-only (a lesson moves only through its services, which check
who may log, publish and apply it and record every step), with each record's history."""

from django.contrib import admin

from pmo.core.admin import ReadOnlyHistoryAdmin
from pmo.lessons import selectors
from pmo.lessons.models import Lesson, LessonApplication


@admin.register(Lesson)
class LessonAdmin(ReadOnlyHistoryAdmin):
    selector = staticmethod(selectors.lesson_list)
    list_display = ("__str__", "project", "category", "status", "source", "logged_on")
    list_filter = ("status", "category", "source")
    search_fields = ("title", "tags", "project__code")


@admin.register(LessonApplication)
class LessonApplicationAdmin(ReadOnlyHistoryAdmin):
    selector = staticmethod(selectors.applications_of)
    list_display = ("__str__", "applied_on", "applied_by")
    search_fields = ("lesson__title", "project__code")
