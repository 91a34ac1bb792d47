"""The budget outline (/finance/outline/): the approved budget of every project whose money the
reader may see, by financial year in columns and by a key chosen as on the portfolio finance page
("Summed by") in rows, with a total row and column. ``?export=xlsx`` gives the table as shown."""

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse

from pmo.core import clock
from pmo.core.exports import xlsx_response
from pmo.core.generic import ObjectPage, export_refused
from pmo.finance.outline import budget_outline
from pmo.finance.pages import ROLL_UP_LABELS


class OutlineFilter(forms.Form):
    """What the outline sums by (the portfolio by default)."""

    by = forms.ChoiceField(choices=list(ROLL_UP_LABELS.items()), required=False, label="Summed by")

    def chosen(self) -> str:
        return (self.cleaned_data["by"] if self.is_valid() else "") or "portfolio"


class BudgetOutlineView(ObjectPage):
    template_name = "finance/outline.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        chooser = OutlineFilter(request.GET)
        by = chooser.chosen()
        exporting = request.GET.get("export") == "xlsx"
        if exporting and not chooser.is_valid():
            errors = {name: [str(e) for e in why] for name, why in chooser.errors.items()}
            return export_refused(request, errors)
        outline = budget_outline(user=request.user, by=by)
        label = ROLL_UP_LABELS[by]
        if exporting:
            return xlsx_response(
                f"budget-outline-by-{by}-{clock.today().isoformat()}.xlsx",
                headers=[label, *(year.label for year in outline.years), "Total"],
                rows=[[row.key, *row.amounts, row.total] for row in [*outline.rows, outline.total]],
                sheet_title="Budget outline",
            )
        return self.render_page(filter=chooser, by=by, by_label=label, outline=outline)


budget_outline_page = BudgetOutlineView.as_view()
