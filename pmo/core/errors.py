"""Answers for the errors Django handles itself, before or after any view (no route matched, a
request body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``, a refusal, a crash): under ``/api/`` they are
JSON in the API's error shape (``{"message": ..., "fields": {}}``), elsewhere the site's pages."""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.views import defaults

API_PREFIX = "/api/"
NO_SUCH_ROUTE = "There is nothing at {path} in the API: the collections are listed at /api/v1/."
BODY_TOO_BIG = "The request body is larger than the {limit} bytes the API accepts."
BAD_REQUEST = "The request could not be read."
FORBIDDEN = "You may not do that."
NULL_IN_QUERY = "The address's query holds a null character (%00), which no value can contain."
SERVER_ERROR = "Something went wrong on the server; the error is logged for the administrators."


def _for_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _json(message: str, status: int) -> JsonResponse:
    return JsonResponse({"message": message, "fields": {}}, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not _for_api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        return _json(BODY_TOO_BIG.format(limit=settings.DATA_UPLOAD_MAX_MEMORY_SIZE), 413)
    return _json(BAD_REQUEST, 400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not _for_api(request):
        return defaults.permission_denied(request, exception)
    return _json(str(exception) or FORBIDDEN, 403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not _for_api(request):
        return defaults.page_not_found(request, exception)
    return _json(NO_SUCH_ROUTE.format(path=request.path), 404)


def server_error(request: HttpRequest) -> HttpResponse:
    if not _for_api(request):
        return defaults.server_error(request)
    return _json(SERVER_ERROR, 500)


class RefuseNullCharacters:
    """No record's key and no text the database keeps can hold a null character (PostgreSQL
    refuses one outright, so a query with it would fail as a server error): an address holding
    one is not found, and a page's query string holding one is refused as a bad request, before
    any view reads it. Under ``/api/`` the query is left to the API's fields and filters, which
    refuse a null character naming the parameter."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path_info:
            raise Http404
        if not _for_api(request) and any(
            "\x00" in text for key, values in request.GET.lists() for text in (key, *values)
        ):
            return HttpResponseBadRequest(NULL_IN_QUERY, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
