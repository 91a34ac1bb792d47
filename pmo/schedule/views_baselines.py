"""What the Plan tab shows of a plan's saved baselines and custom fields (ADR 0043): the baseline
chosen (``?baseline=N``, of those the plan's tasks saved; the first by default) drawn as the
Gantt's baseline bars, with each task's start and finish variance against it (one query for the
page's tasks); and, when asked (``?custom=1``), the tasks' custom fields (MS Project's extended
attributes) read from the plan's document, which only then is loaded."""

from dataclasses import dataclass, field, replace
from typing import Any

from django.http import HttpRequest

from pmo.engine.mspdi import MspdiError
from pmo.engine.mspdi_fields import custom_fields
from pmo.schedule import gantt
from pmo.schedule.models import Plan, PlanBaseline

MINUTES_PER_DAY = 480


def variance_text(minutes: int | None) -> str:
    """A variance as signed days of eight hours: +2 days, -0.5 days, 0 days ("" when unknown)."""
    if minutes is None:
        return ""
    value = f"{abs(minutes) / MINUTES_PER_DAY:.2f}".rstrip("0").rstrip(".")
    sign = "+" if minutes > 0 else "-" if minutes < 0 else ""
    return f"{sign}{value} day{'' if value == '1' else 's'}"


@dataclass
class PlanDetails:
    baseline: int | None = None
    saved: dict[int, PlanBaseline] = field(default_factory=dict)  # task pk -> its chosen baseline
    context: dict[str, Any] = field(default_factory=dict)

    def bars(self, shown: Any) -> list[gantt.Bar]:
        """The page's bars, the chosen baseline as their baseline bars."""
        if self.baseline is None:
            return [gantt.bar_of(task) for task in shown]
        bars = []
        for task in shown:
            saved = self.saved.get(task.pk)
            bars.append(
                replace(
                    gantt.bar_of(task),
                    baseline_start=saved.start if saved else None,
                    baseline_finish=saved.finish if saved else None,
                )
            )
        return bars


def plan_details(request: HttpRequest, plan: Plan | None, shown: Any) -> PlanDetails:
    """The chosen baseline and its variances, and the custom fields if asked, for the page's
    tasks (each task gets ``start_variance`` and ``finish_variance`` texts and ``custom``
    values)."""
    if plan is None:
        return PlanDetails()
    saved_numbers = plan.saved_baselines
    text = request.GET.get("baseline", "")
    chosen = int(text) if text.isdecimal() and int(text) in saved_numbers else None
    if chosen is None and saved_numbers:
        chosen = saved_numbers[0]
    saved: dict[int, PlanBaseline] = {}
    if chosen is not None and shown:
        saved = {
            row.task_id: row
            for row in PlanBaseline.objects.filter(task__in=[task.pk for task in shown], number=chosen)
        }
    for task in shown:
        row = saved.get(task.pk)
        task.start_variance = variance_text(row.start_variance if row else None)
        task.finish_variance = variance_text(row.finish_variance if row else None)
    show_custom = request.GET.get("custom") == "1"
    columns: list[tuple[str, str]] = []
    error = ""
    if show_custom and shown:
        document = Plan.objects.filter(pk=plan.pk).values_list("document", flat=True).first()
        try:
            found = custom_fields(bytes(document or b""), [task.uid for task in shown])
        except MspdiError as exc:
            error = str(exc)
        else:
            columns = found.columns()
            for task in shown:
                values = found.values.get(task.uid, {})
                task.custom = [values.get(key, "") for key, _ in columns]
    context = {
        "shown_baseline": chosen,
        "saved_baselines": saved_numbers,
        "show_custom": show_custom,
        "custom_columns": [name for _, name in columns],
        "custom_error": error,
    }
    return PlanDetails(baseline=chosen, saved=saved, context=context)
