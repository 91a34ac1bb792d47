"""The portfolio's earned value (/finance/earned-value/): each project's CPI, SPI and SPI(t)
with their trend over the last three months, and the projects whose CPI or SPI(t) is below, or
at its rate heading below, the PMO's threshold while their manager's latest report does not say
amber or red, with the reason in words. ``?export=xlsx`` gives the table as shown."""

from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse

from pmo.core import clock
from pmo.core.exports import xlsx_response
from pmo.core.generic import ObjectPage
from pmo.finance import pages
from pmo.finance.rules import keeps_the_books
from pmo.finance.selectors import finance_settings
from pmo.portfolio.choices import ProjectStatus
from pmo.portfolio.models import Project

HEADERS = (
    "Project",
    "Name",
    "Latest report",
    "EV from",
    "BAC",
    "EV",
    "AC",
    "CPI",
    "CPI a month, last 3 months",
    "SPI",
    "SPI(t)",
    "SPI(t) a month, last 3 months",
    "Forecast finish",
    "Early warning",
)


def _r(value: Decimal | None, places: int = 2) -> Decimal | None:
    return None if value is None else round(value, places)


def _cells(row: pages.PortfolioEvmRow) -> list[Any]:
    m = row.measured
    return [
        row.project.code,
        row.project.name,
        f"{row.rating_label} ({row.report_period})" if row.rating else row.rating_label,
        m.ev_method or "—",
        _r(m.bac),
        _r(m.ev),
        _r(m.ac),
        _r(m.cpi),
        _r(row.cpi.per_month, 3),
        _r(m.spi),
        _r(m.spi_t),
        _r(row.spi_t.per_month, 3),
        m.forecast_finish,
        row.warning,
    ]


class PortfolioEvmView(ObjectPage):
    """Every active project with an approved budget the reader may see (finance partners and the
    PMO: every one), its earned value and its early warning."""

    template_name = "finance/earned_value.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        visible = Project.objects.all() if keeps_the_books(user) else Project.objects.restrict(user, "view")
        settings_row = finance_settings()
        rows = pages.portfolio_evm(visible.filter(status=ProjectStatus.ACTIVE), settings_row)
        if request.GET.get("export") == "xlsx":
            return xlsx_response(
                f"earned-value-{clock.today().isoformat()}.xlsx",
                headers=list(HEADERS),
                rows=[_cells(r) for r in rows],
                sheet_title="Earned value",
            )
        return self.render_page(
            rows=rows,
            flagged=[r for r in rows if r.warning],
            settings_row=settings_row,
        )


earned_value = PortfolioEvmView.as_view()
