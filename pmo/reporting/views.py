"""Pages of the reporting cycle (being built: every page answers 404 until written)."""

from django.http import Http404


def settings_page(request, **kwargs):
    raise Http404


def tolerance_defaults(request, **kwargs):
    raise Http404


def period_list(request, **kwargs):
    raise Http404


def period_detail(request, **kwargs):
    raise Http404


def report_list(request, **kwargs):
    raise Http404


def report_detail(request, **kwargs):
    raise Http404


def report_update(request, **kwargs):
    raise Http404


def report_pdf(request, **kwargs):
    raise Http404


def report_history(request, **kwargs):
    raise Http404


def report_action(request, **kwargs):
    raise Http404


def project_reporting(request, **kwargs):
    raise Http404


def report_start(request, **kwargs):
    raise Http404


def baseline_create(request, **kwargs):
    raise Http404


def project_tolerances(request, **kwargs):
    raise Http404


def action_create(request, **kwargs):
    raise Http404


def baseline_detail(request, **kwargs):
    raise Http404


def baseline_history(request, **kwargs):
    raise Http404


def exception_list(request, **kwargs):
    raise Http404


def exception_detail(request, **kwargs):
    raise Http404


def exception_report(request, **kwargs):
    raise Http404


def exception_decide(request, **kwargs):
    raise Http404


def exception_history(request, **kwargs):
    raise Http404


def action_list(request, **kwargs):
    raise Http404


def action_detail(request, **kwargs):
    raise Http404


def action_update(request, **kwargs):
    raise Http404


def action_history(request, **kwargs):
    raise Http404

