"""The finance keepers' pages: importing a month of actuals from the ledger extract (with the
mapping screen for an extract whose columns are named otherwise), and drafting and approving a
project's budget versions. Finance partners and the PMO only; writes through the services."""

import io
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from pmo.core.exports import XLSX_CONTENT_TYPE
from pmo.core.generic import ObjectPage, denied, finish
from pmo.core.permissions import NOT_ALLOWED, ensure_can
from pmo.core.spreadsheets import key as folded
from pmo.core.views_import import FORM_OVERHEAD_BYTES, UploadLimit, import_context, too_large
from pmo.finance import imports, selectors, services

# Importing actuals ----------------------------------------------------------------------------


ACTUALS_TEMPLATE_FILENAME = "actuals-template.xlsx"
NO_EXTRACT = "Choose the ledger extract to import (.xlsx or .csv)."
MAPPING_FORGOTTEN = "Your ledger columns are forgotten: extracts are read by the template's headers."


class ActualsImportForm(forms.Form):
    """A ledger extract, whether only to check it, and (from the mapping screen) what each of
    its columns holds and whether to keep that for the next extract."""

    file = forms.FileField(
        label="Ledger extract (.xlsx or .csv)",
        error_messages={"required": NO_EXTRACT},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    check_only = forms.BooleanField(
        required=False, label="Check only: report problems and what would load, but load nothing"
    )
    remember = forms.BooleanField(
        required=False, initial=True, label="Keep these columns for my next extract"
    )

    def mapping(self, data: Any) -> dict[str, str] | None:
        """The columns the mapping screen posted (``header-N`` and ``map-N``), or None."""
        found: dict[str, str] = {}
        index = 0
        while f"header-{index}" in data:
            chosen = data.get(f"map-{index}", "")
            found[data[f"header-{index}"]] = chosen if chosen in imports.FIELDS else imports.IGNORE
            index += 1
        return found or None


class ActualsImportView(ObjectPage):
    """Load a month of actuals from the finance system's extract (finance partners and the
    PMO): check it, or load it all or nothing; where its columns are named otherwise than the
    template's, say what each holds (kept for the person's next extract); every problem named
    by row and column; the outcome lists each month's lines and total and the months it
    replaced (a month loaded again replaces that month's lines of the codes it names)."""

    template_name = "finance/actuals_import.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        if not request.user.has_perm("finance.add_actualimport"):
            return denied(request, PermissionDenied(NOT_ALLOWED.format(action="import actuals")))
        if request.method == "POST":
            limit = settings.PMO_MAX_UPLOAD_BYTES
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit + FORM_OVERHEAD_BYTES:  # refused before reading the body at all
                return self.page(ActualsImportForm(), too_large(), status=413)
            request.upload_handlers = [UploadLimit(request, limit), *request.upload_handlers]
        return csrf_protect(super().dispatch)(request, *args, **kwargs)

    def page(
        self, form: Any, result: Any = None, filename: str = "", status: int = 200, **extra: Any
    ) -> HttpResponse:
        saved = selectors.ledger_mapping(self.request.user)
        mapping_rows = []
        if result is not None and result.needs_mapping:
            mapping_rows = [
                {"index": index, "header": header, "chosen": result.mapping.get(header, imports.IGNORE)}
                for index, header in enumerate(result.headers)
            ]
        labels = dict(imports.FIELD_CHOICES)
        return self.render_page(
            status,
            **import_context(form, result, filename, imports.COLUMNS),
            import_kind="actuals",
            mapping_rows=mapping_rows,
            field_choices=imports.FIELD_CHOICES,
            saved=sorted((header, labels.get(chosen, chosen)) for header, chosen in (saved or {}).items()),
            **extra,
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.page(ActualsImportForm())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.POST.get("forget"):
            services.ledger_mapping_forget(actor=request.user)
            return finish(request, MAPPING_FORGOTTEN, request.path)
        limit_handler = request.upload_handlers[0]
        if isinstance(limit_handler, UploadLimit) and limit_handler.exceeded:
            return self.page(ActualsImportForm(), too_large(), status=413)
        form = ActualsImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.page(form, status=400)
        posted = form.mapping(request.POST)
        mapping = posted if posted is not None else selectors.ledger_mapping(request.user)
        upload = form.cleaned_data["file"]
        dry_run = form.cleaned_data["check_only"]
        result = imports.actuals_import(
            actor=request.user, file=upload, filename=upload.name, dry_run=dry_run, mapping=mapping
        )
        if posted is not None and not result.needs_mapping and form.cleaned_data["remember"]:
            services.ledger_mapping_save(
                actor=request.user, columns={folded(header): chosen for header, chosen in posted.items()}
            )
        again = ActualsImportForm(initial={"check_only": dry_run, "remember": form.cleaned_data["remember"]})
        status = 200 if result.ok else 400
        return self.page(again, result, upload.name, status=status, loaded=result.ok and not dry_run)


actuals_import = csrf_exempt(ActualsImportView.as_view())  # the page checks the token once the limit is on


class ActualsTemplateView(ObjectPage):
    """The ledger extract's Excel template (finance partners and the PMO)."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        ensure_can(request.user, "finance.add_actualimport", action="import actuals")
        buffer = io.BytesIO()
        imports.write_actuals_template(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{ACTUALS_TEMPLATE_FILENAME}"'
        return response


actuals_template = ActualsTemplateView.as_view()
