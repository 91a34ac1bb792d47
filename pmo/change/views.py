"""Pages of change control (being built)."""

from django.http import Http404, HttpRequest, HttpResponse


def settings_page(request: HttpRequest) -> HttpResponse:
    raise Http404


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404
