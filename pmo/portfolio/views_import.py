"""The register's Excel pages: the project import (upload a file, check it or import it) and
its template, and the same for each kind of reference data a new PMO loads first
(organisation units, people, strategic objectives, portfolios, programmes) with their exports,
on one "Moving in" page listing them in the order to load them. Only the PMO (who may add such
records) sees them. The upload page itself is core's (``pmo.core.views_import``)."""

import io
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from pmo.core import clock
from pmo.core.exports import XLSX_CONTENT_TYPE, xlsx_response
from pmo.core.generic import denied
from pmo.core.permissions import NOT_ALLOWED, permission_name
from pmo.core.views_import import IMPORTED, NO_FILE, upload_page
from pmo.portfolio import imports, reference_imports
from pmo.portfolio.imports import COLUMNS, SHEET_TITLE, write_project_template
from pmo.portfolio.models import Project
from pmo.portfolio.reference_imports import KINDS, REFERENCE_KINDS_ORDER, ReferenceKind

__all__ = ["IMPORTED", "NO_FILE"]  # the page's messages, as the tests read them

TEMPLATE_FILENAME = "project-register-template.xlsx"


def _not_allowed(request: HttpRequest, perm: str, items: str) -> HttpResponse | None:
    if request.user.has_perm(perm):
        return None
    return denied(request, PermissionDenied(NOT_ALLOWED.format(action=f"import {items}")))


def _xlsx(write: Callable[[Any], None], filename: str) -> HttpResponse:
    buffer = io.BytesIO()
    write(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@csrf_exempt  # upload_page checks the token once the upload limit is in place
@login_required
def project_import(request: HttpRequest) -> HttpResponse:
    """Upload page: a check (nothing written) or an import (all or nothing)."""
    if (refusal := _not_allowed(request, "portfolio.add_project", "projects")) is not None:
        return refusal
    context = {
        "title": "Import projects",
        "heading": "Import projects from Excel",
        "upload_heading": "Upload a register",
        "sheet": SHEET_TITLE,
        "action": reverse("portfolio:project_import"),
        "import_kind": "projects",
    }
    return upload_page(
        request, template="portfolio/project_import.html", context=context, columns=COLUMNS,
        run=imports.project_import, done_url=reverse("portfolio:project_import"),
    )  # fmt: skip


@login_required
def project_import_template(request: HttpRequest) -> HttpResponse:
    """The Excel template: the header row, a Guidance sheet and dropdowns of today's values."""
    if (refusal := _not_allowed(request, "portfolio.add_project", "projects")) is not None:
        return refusal
    return _xlsx(write_project_template, TEMPLATE_FILENAME)


# --- Reference data ------------------------------------------------------------------------


def _kind(name: str) -> ReferenceKind:
    kind = KINDS.get(name)
    if kind is None:
        raise Http404(f"Nothing called “{name}” is imported here.")
    return kind


def _refusal(request: HttpRequest, kind: ReferenceKind) -> HttpResponse | None:
    return _not_allowed(request, permission_name(kind.model, "add"), kind.items)


@login_required
def reference_import_index(request: HttpRequest) -> HttpResponse:
    """Moving in: each kind of reference data, then projects, in the order to load them, with
    how many the register holds, its template, export and import page."""
    if (refusal := _not_allowed(request, "portfolio.add_project", "the register")) is not None:
        return refusal
    steps = [
        {
            "kind": name,
            "label": KINDS[name].sheet,
            "count": KINDS[name].model._default_manager.count(),
            "import_url": reverse("portfolio:reference_import", args=[name]),
            "template_url": reverse("portfolio:reference_template", args=[name]),
            "export_url": reverse("portfolio:reference_export", args=[name]),
        }
        for name in REFERENCE_KINDS_ORDER
    ]
    steps.append(
        {
            "kind": "projects",
            "label": "Projects",
            "count": Project.objects.count(),
            "import_url": reverse("portfolio:project_import"),
            "template_url": reverse("portfolio:project_import_template"),
            "export_url": None,
        }
    )
    return render(request, "portfolio/reference_import_index.html", {"steps": steps})


@csrf_exempt  # upload_page checks the token once the upload limit is in place
@login_required
def reference_import(request: HttpRequest, kind: str) -> HttpResponse:
    """Upload page of one kind of reference data: a check or an import (all or nothing)."""
    spec = _kind(kind)
    if (refusal := _refusal(request, spec)) is not None:
        return refusal
    action = reverse("portfolio:reference_import", args=[kind])
    context = {
        "title": f"Import {spec.items}",
        "heading": f"Import {spec.items} from Excel",
        "upload_heading": f"Upload {spec.items}",
        "sheet": spec.sheet,
        "action": action,
        "import_kind": kind,
        "spec": spec,
        "key_header": spec.key_header,
    }

    def run(**kwargs: Any) -> Any:
        return reference_imports.reference_import(kind, **kwargs)

    return upload_page(
        request, template="portfolio/reference_import.html", context=context, columns=spec.columns,
        run=run, done_url=action,
    )  # fmt: skip


@login_required
def reference_template(request: HttpRequest, kind: str) -> HttpResponse:
    """The Excel template of a kind: header row, dropdowns, Guidance and Lists sheets."""
    spec = _kind(kind)
    if (refusal := _refusal(request, spec)) is not None:
        return refusal
    def write(stream: Any) -> None:
        reference_imports.write_reference_template(kind, stream)

    return _xlsx(write, f"{kind}-template.xlsx")


@login_required
def reference_export(request: HttpRequest, kind: str) -> HttpResponse:
    """The records of a kind in the import layout, to edit and import back."""
    spec = _kind(kind)
    records = reference_imports.reference_records(kind, user=request.user)  # type: ignore[arg-type]
    rows = reference_imports.reference_export_rows(kind, records)
    filename = f"{kind}-{clock.today().isoformat()}.xlsx"
    return xlsx_response(filename, headers=spec.headers, rows=rows, sheet_title=spec.sheet)
