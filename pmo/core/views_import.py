"""The one Excel upload page every import shares (projects, RAID registers, reference data):
the form (a file, "Check only"), the upload limit applied before the body is read, the outcome
(every problem by row and column, or what would change) and the message after an import.

An app's page says who may import, what its import function is and how its template (which
extends ``core/import_page.html``) is filled; ``upload_page`` does the rest."""

from collections.abc import Callable, Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_protect

from pmo.core.generic import denied
from pmo.core.spreadsheets import FILE_TOO_LARGE, Column, ImportIssue, ImportResult, size_label

IMPORTED = "Import of {file} complete: {summary}"
NO_FILE = "Choose the Excel file to import."
ERRORS_SHOWN = 500
FORM_OVERHEAD_BYTES = 64 * 1024
"""Room for the form's other fields and the multipart boundaries around the file."""


class ImportForm(forms.Form):
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


def too_large() -> ImportResult:
    """The outcome of an upload over the size limit."""
    limit = size_label(settings.PMO_MAX_UPLOAD_BYTES)
    return ImportResult(errors=[ImportIssue(None, None, FILE_TOO_LARGE.format(limit=limit))])


def import_context(
    form: Any, result: ImportResult | None, filename: str, columns: Sequence[Column]
) -> dict[str, Any]:
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


Run = Callable[..., ImportResult]
"""An import function: keyword arguments actor, file, filename, dry_run."""


def upload_page(
    request: HttpRequest,
    *,
    template: str,
    context: dict[str, Any],
    columns: Sequence[Column],
    run: Run,
    done_url: str,
) -> HttpResponse:
    """The upload page (call it from a ``csrf_exempt`` view that has checked who may import):
    refuses a body over ``PMO_MAX_UPLOAD_BYTES`` before reading it, stops reading one that
    passes the limit, then checks the CSRF token; a check (nothing written) or an import (all
    or nothing) of the uploaded file with ``run``; redirects to ``done_url`` after an import."""

    def page(
        form: ImportForm, result: ImportResult | None = None, filename: str = "", status: int = 200
    ) -> HttpResponse:
        shown = {**context, **import_context(form, result, filename, columns)}
        return render(request, template, shown, status=status)

    if request.method == "POST":
        limit = settings.PMO_MAX_UPLOAD_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit + FORM_OVERHEAD_BYTES:  # refuse before reading the body at all
            return page(ImportForm(), too_large(), status=413)
        request.upload_handlers = [UploadLimit(request, limit), *request.upload_handlers]
    return _submitted(request, page=page, run=run, done_url=done_url)


@csrf_protect
def _submitted(
    request: HttpRequest, *, page: Callable[..., HttpResponse], run: Run, done_url: str
) -> HttpResponse:
    if request.method != "POST":
        return page(ImportForm())
    form = ImportForm(request.POST, request.FILES)
    limit_handler = request.upload_handlers[0]
    if isinstance(limit_handler, UploadLimit) and limit_handler.exceeded:
        return page(ImportForm(), too_large(), status=413)
    if not form.is_valid():
        return page(form)
    upload = form.cleaned_data["file"]
    dry_run = form.cleaned_data["check_only"]
    try:
        result = run(actor=request.user, file=upload, filename=upload.name, dry_run=dry_run)
    except PermissionDenied as exc:
        return denied(request, exc)
    if result.errors or dry_run:
        return page(ImportForm(initial={"check_only": dry_run}), result, upload.name)
    messages.success(request, IMPORTED.format(file=upload.name, summary=result.summary))
    return redirect(done_url)
