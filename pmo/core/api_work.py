"""``GET /api/v1/my-work/``: the signed-in user's work queue (``pmo.core.work``), as the home
page and the daily digest show it: what is theirs to do now, overdue first, a page at a time."""

from datetime import date
from functools import cached_property
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, serializers

from pmo.core import clock
from pmo.core.work import WorkItem, work_queue


class WorkItemSerializer(serializers.Serializer):
    """One thing to do: what, by when, where (``url``, within the site) and why it is yours."""

    key = serializers.CharField(help_text="Unique in the queue and the same from day to day.")
    kind = serializers.CharField(
        help_text="What sort of work: report-due, report-returned, report-check, report-chase, "
        "exception-report, exception-decide, change-assess, change-decide, raid-past-due, "
        "raid-stale (apps may add more)."
    )
    title = serializers.CharField(help_text="What to do, in a few words.")
    due = serializers.DateField()
    overdue = serializers.SerializerMethodField(help_text="Whether the due date has passed.")
    url = serializers.CharField(help_text="The page to do it on, within the site.")
    reason = serializers.CharField(help_text="Why it is yours, or what it is about.")
    project = serializers.CharField(help_text="The project's code; empty when not one project's.")
    project_name = serializers.CharField()

    def get_overdue(self, item: WorkItem) -> bool:
        today: date = self.context["today"]
        return item.is_overdue(today)


@extend_schema(tags=["work"])
class MyWorkView(generics.ListAPIView):
    """What is yours to do now, from every part of the system: reports due or returned,
    exception reports asked of you, changes to assess, decisions waiting for you, reports to
    check and people to chase (PMO officer), exceptions, board decisions and overdue actions
    (PMO head), and RAID items past due or stale. Overdue first, then by due date. Only what
    you may see; an item done since is no longer listed."""

    serializer_class = WorkItemSerializer
    permission_classes = [permissions.IsAuthenticated]
    filter_backends: list[Any] = []

    def get_queryset(self) -> list[WorkItem]:  # type: ignore[override]
        return work_queue(self.request.user, today=self.today)

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": self.today}

    @cached_property
    def today(self) -> date:
        return clock.today()
