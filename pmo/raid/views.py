"""Pages of the RAID registers (being built)."""

from django.http import Http404, HttpRequest, HttpResponse


def settings_page(request: HttpRequest) -> HttpResponse:
    raise Http404


def item_detail(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    raise Http404
