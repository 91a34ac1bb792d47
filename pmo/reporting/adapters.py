"""Rows of the reporting cycle turned into the tolerance engine's inputs, and its verdicts back."""

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from pmo.engine.tolerance import Assessment, Dimension, Tolerance, assess
from pmo.reporting.models import Baseline, HighlightReport, ToleranceDefault
from pmo.reporting.models import Tolerance as ToleranceRow

EAC_SOURCE = "finance's EAC"


def _days(baseline: date, forecast: date) -> Decimal:
    return Decimal((forecast - baseline).days)


def figures(
    baseline: Baseline, report: HighlightReport, eac: Decimal | None = None
) -> dict[Dimension, tuple[Decimal, Decimal]]:
    """(baseline, forecast) per dimension, where the report gives a forecast. Time is in days
    from the baseline finish; scope, quality and risk from a baseline of zero. ``eac``: finance's
    estimate at completion, when the project has an approved budget: the cost forecast judged,
    whatever the report says (ADR 0049's amendment)."""
    result: dict[Dimension, tuple[Decimal, Decimal]] = {
        Dimension.SCOPE: (Decimal(0), Decimal(report.scope_change_percent)),
        Dimension.QUALITY: (Decimal(0), Decimal(report.quality_criteria_at_risk)),
        Dimension.RISK: (Decimal(0), Decimal(report.high_risks_open)),
    }
    if report.forecast_finish is not None:
        result[Dimension.TIME] = (Decimal(0), _days(baseline.finish, report.forecast_finish))
    if eac is not None:
        result[Dimension.COST] = (Decimal(baseline.budget_at_completion), Decimal(eac))
    elif report.forecast_cost is not None:
        result[Dimension.COST] = (Decimal(baseline.budget_at_completion), Decimal(report.forecast_cost))
    if report.forecast_benefits is not None and baseline.benefits_value:
        result[Dimension.BENEFITS] = (Decimal(baseline.benefits_value), Decimal(report.forecast_benefits))
    return result


def _tidy(value: Decimal | None) -> Decimal | None:
    """28.00 days reads as 28 days; 34.70 as 34.7."""
    if value is None:
        return None
    value = Decimal(value)
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def to_engine(row: ToleranceRow | ToleranceDefault, *, baseline: Baseline) -> Tolerance | None:
    """A stored tolerance as the engine's, counting the deviation its direction says (the
    dimension's worse way only, or both ways).

    A time percentage is of the planned duration (start to baseline finish), so it becomes days;
    without a planned start it cannot count. Scope is measured in percent of the baseline scope,
    so a scope percentage is that many percentage points. Quality and risk are counts, where a
    percentage means nothing (the models refuse one); it is ignored."""
    dimension = Dimension(row.dimension)
    absolute, percent = row.absolute, row.percent
    if percent is not None and dimension is not Dimension.COST and dimension is not Dimension.BENEFITS:
        if dimension is Dimension.TIME:
            start = baseline.project.planned_start
            converted = max((baseline.finish - start).days, 0) * Decimal(percent) / 100 if start else None
        elif dimension is Dimension.SCOPE:
            converted = Decimal(percent)
        else:
            converted = None
        candidates = [value for value in (absolute, converted) if value is not None]
        if not candidates:
            return None
        absolute, percent = min(candidates), None
    return Tolerance(absolute=_tidy(absolute), percent=percent, direction=row.engine_direction)


def assess_project(
    *,
    baseline: Baseline,
    report: HighlightReport,
    tolerances: Mapping[str, ToleranceRow | ToleranceDefault],
    warning: Decimal,
    eac: Decimal | None = None,
) -> list[Assessment]:
    """Every dimension that has a forecast and a tolerance, judged by the engine; cost on
    finance's ``eac`` when given (the explanation says so)."""
    results = []
    for dimension, (base, forecast) in figures(baseline, report, eac).items():
        row = tolerances.get(dimension.value)
        tolerance = to_engine(row, baseline=baseline) if row is not None else None
        if tolerance is not None:
            results.append(
                assess(
                    dimension,
                    baseline=base,
                    forecast=forecast,
                    tolerance=tolerance,
                    warning=warning,
                    source=EAC_SOURCE if eac is not None and dimension is Dimension.COST else "",
                )
            )
    return results
