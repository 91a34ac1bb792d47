"""Reading what a page shows, and what its forms would post."""

from typing import Any

import lxml.html

from pmo.reporting.services import REPORT_TEXTS, STATUS_FIELDS


def doc(response: Any) -> Any:
    """The page as an lxml document, without its style sheet (which no one reads)."""
    page = lxml.html.fromstring(response.content.decode())
    for style in page.xpath("//style"):
        style.drop_tree()
    return page


def text_of(response: Any) -> str:
    """All the text a person reads on the page, white space folded."""
    return " ".join(" ".join(doc(response).itertext()).split())


def field_error(response: Any, field: str) -> str:
    """The error shown beside a form field (empty when there is none)."""
    found = doc(response).xpath(f"//*[@id='id_{field}_error']")
    return " ".join(found[0].text_content().split()) if found else ""


def options_of(response: Any, field: str) -> list[str]:
    return [o.get("value") for o in doc(response).xpath(f"//select[@id='id_{field}']/option")]


def report_data(report: Any, **changes: Any) -> dict[str, Any]:
    """What the report form posts for ``report`` as it stands, with ``changes`` typed over it."""
    data: dict[str, Any] = {name: getattr(report, name) or "" for name in (*STATUS_FIELDS, *REPORT_TEXTS)}
    data.update(
        forecast_finish=report.forecast_finish.isoformat() if report.forecast_finish else "",
        forecast_cost=report.forecast_cost if report.forecast_cost is not None else "",
        forecast_benefits=report.forecast_benefits if report.forecast_benefits is not None else "",
        scope_change_percent=report.scope_change_percent,
        quality_criteria_at_risk=report.quality_criteria_at_risk,
        high_risks_open=report.high_risks_open,
        version=report.version,
        action="save",
    )
    milestones = list(report.milestones.all())
    data.update(
        {
            "milestones-TOTAL_FORMS": len(milestones) + 1,
            "milestones-INITIAL_FORMS": len(milestones),
            "milestones-MIN_NUM_FORMS": 0,
            "milestones-MAX_NUM_FORMS": 30,
        }
    )
    for i, m in enumerate(milestones):
        data[f"milestones-{i}-name"] = m.name
        data[f"milestones-{i}-date"] = m.forecast.isoformat()
    data.update(changes)
    return data
