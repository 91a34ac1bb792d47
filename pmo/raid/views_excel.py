"""Excel in and out of each RAID register: the template to fill in, the export (the register
as the user may see it, with the register page's filters, in the import layout) and the upload
page (check, or import all or nothing). Only people who keep a register (and the PMO) import."""

import io
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from pmo.core import clock
from pmo.core.exports import XLSX_CONTENT_TYPE, xlsx_response
from pmo.core.filters import record_id
from pmo.core.generic import denied, export_refused
from pmo.core.permissions import NOT_ALLOWED
from pmo.core.spreadsheets import ImportResult
from pmo.core.views_import import upload_page
from pmo.portfolio.models import Portfolio, Programme, Project
from pmo.raid import selectors
from pmo.raid.exports import register_export_rows, write_register_template
from pmo.raid.forms import RegisterFilter
from pmo.raid.imports import IMPORT_ACTION, LAYOUTS, headers, may_import, register_import, sheet_title
from pmo.raid.models import REGISTERS, RaidItem, Risk


def _model(kind: str) -> type[RaidItem]:
    model = REGISTERS.get(kind)
    if model is None:
        raise Http404(f"There is no RAID register “{kind}”.")
    return model


def _refusal(request: HttpRequest, model: type[RaidItem]) -> HttpResponse | None:
    if may_import(request.user):
        return None
    action = IMPORT_ACTION.format(items=model._meta.verbose_name_plural)
    return denied(request, PermissionDenied(NOT_ALLOWED.format(action=action)))


def _register(request: HttpRequest) -> Project | Programme | Portfolio | None:
    """``?register=project:CODE`` (or ``programme:PK``, ``portfolio:PK``): that register as
    its page shows it (a programme's or portfolio's with the items escalated to it)."""
    level, _, value = request.GET.get("register", "").partition(":")
    found: Project | Programme | Portfolio | None = None
    if level == "project":
        visible = Project.objects.restrict(request.user, "view")
        found = visible.filter(code__iexact=value.strip()).first()
    elif level in ("programme", "portfolio"):
        model = Programme if level == "programme" else Portfolio
        pk = record_id(value)
        found = None if pk is None else model.objects.restrict(request.user, "view").filter(pk=pk).first()
    else:
        return None
    if found is None:
        raise Http404("There is no such register.")
    return found


def _filtered(request: HttpRequest, model: type[RaidItem]) -> QuerySet[Any]:
    """The register as its page lists it for this user, with the page's filters."""
    settings_row = selectors.raid_settings()
    today = clock.today()
    items = selectors.item_list(model, user=request.user, register=_register(request))
    filters = RegisterFilter(request.GET, model=model)
    items = filters.filter(
        items, matrix=settings_row.matrix, today=today, stale_before=settings_row.stale_before(today)
    )
    return items.order_by("-residual_score", "pk") if model is Risk else items.order_by("pk")


@login_required
def register_export(request: HttpRequest, kind: str) -> HttpResponse:
    """The register (filtered as on its page) in the import layout, to edit and import back;
    refused, naming them, when its filters cannot be used."""
    model = _model(kind)
    errors = RegisterFilter(request.GET, model=model).errors
    if errors:
        return export_refused(request, {name: list(why) for name, why in errors.items()})
    rows = register_export_rows(kind, _filtered(request, model))
    filename = f"{kind}-{clock.today().isoformat()}.xlsx"
    return xlsx_response(filename, headers=headers(kind), rows=rows, sheet_title=sheet_title(kind))


@login_required
def register_template(request: HttpRequest, kind: str) -> HttpResponse:
    """The Excel template: the header row, dropdowns and a Guidance sheet."""
    model = _model(kind)
    if (refusal := _refusal(request, model)) is not None:
        return refusal
    buffer = io.BytesIO()
    write_register_template(kind, buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.xlsx"'
    return response


@csrf_exempt  # upload_page checks the token once the upload limit is in place
@login_required
def register_import_page(request: HttpRequest, kind: str) -> HttpResponse:
    """Upload page: a check (nothing written) or an import (all or nothing)."""
    model = _model(kind)
    if (refusal := _refusal(request, model)) is not None:
        return refusal
    plural = str(model._meta.verbose_name_plural).capitalize()
    action = reverse("raid:register_import", args=[kind])
    context = {
        "title": f"Import {plural.lower()}",
        "heading": f"Import {plural.lower()} from Excel",
        "upload_heading": f"Upload a register of {plural.lower()}",
        "sheet": sheet_title(kind),
        "action": action,
        "import_kind": kind,
        "plural": plural,
        "prefix": model.PREFIX,
    }

    def run(**kwargs: Any) -> ImportResult:
        return register_import(kind, **kwargs)

    return upload_page(
        request, template="raid/register_import.html", context=context, columns=LAYOUTS[kind],
        run=run, done_url=action,
    )  # fmt: skip
