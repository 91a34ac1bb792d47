"""The project register's import page (upload an Excel file, check it or import it) and the
template to fill in. Only people who may add projects (the PMO) see either."""

import io
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from pmo.core.exports import XLSX_CONTENT_TYPE
from pmo.core.permissions import NOT_ALLOWED
from pmo.portfolio import imports
from pmo.portfolio.imports import (
    COLUMNS,
    FILE_TOO_LARGE,
    ImportIssue,
    ImportResult,
    size_label,
    write_project_template,
)

IMPORTED = "Import of {file} complete: {summary}"
NO_FILE = "Choose the Excel file to import."
ERRORS_SHOWN = 500
FORM_OVERHEAD_BYTES = 64 * 1024
"""Room for the form's other fields and the multipart boundaries around the file."""
TEMPLATE_FILENAME = "project-register-template.xlsx"


class ProjectImportForm(forms.Form):
    file = forms.FileField(
        label="Excel file (.xlsx)",
        error_messages={"required": NO_FILE},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    check_only = forms.BooleanField(
        required=False, label="Check only: report problems and what would change, but import nothing"
    )


class UploadLimit(FileUploadHandler):
    """Stops reading an upload as soon as it passes the limit, instead of storing all of it."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.exceeded = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def _not_allowed(request: HttpRequest) -> HttpResponse | None:
    if request.user.has_perm("portfolio.add_project"):
        return None
    message = NOT_ALLOWED.format(action="import projects")
    return render(request, "403.html", {"exception": message}, status=403)


def import_context(form: Any, result: ImportResult | None, filename: str, columns: Any) -> dict[str, Any]:
    """What an import page shows: the form, the outcome, the first problems and the columns."""
    errors = result.errors if result else []
    return {
        "form": form,
        "result": result,
        "filename": filename,
        "errors": errors[:ERRORS_SHOWN],
        "errors_hidden": max(0, len(errors) - ERRORS_SHOWN),
        "columns": columns,
        "limit": size_label(settings.PMO_MAX_UPLOAD_BYTES),
    }


def _page(request: HttpRequest, form: ProjectImportForm, result: ImportResult | None = None,
          filename: str = "", status: int = 200) -> HttpResponse:
    context = import_context(form, result, filename, COLUMNS)
    return render(request, "portfolio/project_import.html", context, status=status)


def too_large() -> ImportResult:
    """The outcome of an upload over the size limit."""
    limit = size_label(settings.PMO_MAX_UPLOAD_BYTES)
    return ImportResult(errors=[ImportIssue(None, None, FILE_TOO_LARGE.format(limit=limit))])


@csrf_exempt  # checked by _project_import_form, once the upload limit is in place
@login_required
def project_import(request: HttpRequest) -> HttpResponse:
    """Upload page: a check (nothing written) or an import (all or nothing)."""
    if (refusal := _not_allowed(request)) is not None:
        return refusal
    if request.method == "POST":
        limit = settings.PMO_MAX_UPLOAD_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit + FORM_OVERHEAD_BYTES:  # refuse before reading the body at all
            return _page(request, ProjectImportForm(), too_large(), status=413)
        request.upload_handlers = [UploadLimit(request, limit), *request.upload_handlers]
    return _project_import_form(request)


@csrf_protect
def _project_import_form(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, ProjectImportForm())
    form = ProjectImportForm(request.POST, request.FILES)
    limit_handler = request.upload_handlers[0]
    if isinstance(limit_handler, UploadLimit) and limit_handler.exceeded:
        return _page(request, ProjectImportForm(), too_large(), status=413)
    if not form.is_valid():
        return _page(request, form)
    upload = form.cleaned_data["file"]
    dry_run = form.cleaned_data["check_only"]
    try:
        result = imports.project_import(
            actor=request.user, file=upload, filename=upload.name, dry_run=dry_run  # type: ignore[arg-type]
        )
    except PermissionDenied as exc:
        return render(request, "403.html", {"exception": str(exc)}, status=403)
    if result.errors or dry_run:
        return _page(request, ProjectImportForm(initial={"check_only": dry_run}), result, upload.name)
    messages.success(request, IMPORTED.format(file=upload.name, summary=result.summary))
    return redirect("portfolio:project_import")


@login_required
def project_import_template(request: HttpRequest) -> HttpResponse:
    """The Excel template: the header row, a Guidance sheet and dropdowns of today's values."""
    if (refusal := _not_allowed(request)) is not None:
        return refusal
    buffer = io.BytesIO()
    write_project_template(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{TEMPLATE_FILENAME}"'
    return response
