"""The Gantt chart and the portfolio roadmap as files: an SVG of its own (the stylesheet's
colours written into it, since the file is opened without the site's stylesheet) or a PDF of it
on an A3 landscape page (WeasyPrint, given a fetcher that refuses every URL)."""

from datetime import date

from django.http import HttpResponse
from django.template.loader import render_to_string

SVG_TYPE = "image/svg+xml"
PDF_TYPE = "application/pdf"


def standalone_svg(svg: str) -> str:
    """``svg`` (an ``<svg>`` element as the pages draw it) as a file of its own."""
    style = render_to_string("schedule/chart_svg_style.css")
    head, _, rest = svg.partition(">")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{head}><style>{style}</style>{rest}'


def chart_pdf(svg: str, *, title: str, today: date) -> bytes:
    """The chart under its title on an A3 landscape page."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(
        "schedule/chart_pdf.html", {"svg": standalone_svg(svg), "title": title, "today": today}
    )
    fetcher = URLFetcher(allowed_protocols=frozenset(), allow_redirects=False, timeout=1)
    return bytes(HTML(string=html, url_fetcher=fetcher).write_pdf())


def chart_download(svg: str, fmt: str, *, title: str, name: str, today: date) -> HttpResponse:
    """The chart as ``fmt`` (``svg`` or ``pdf``), an attachment named ``name``."""
    if fmt == "pdf":
        response = HttpResponse(chart_pdf(svg, title=title, today=today), content_type=PDF_TYPE)
    else:
        response = HttpResponse(standalone_svg(svg), content_type=SVG_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.{"pdf" if fmt == "pdf" else "svg"}"'
    return response
