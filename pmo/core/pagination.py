"""API pagination (a leaf module: DRF imports it while importing itself)."""

from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """``?page=N&page_size=M``; 50 rows a page by default, 500 at most."""

    page_size_query_param = "page_size"
    max_page_size = 500
