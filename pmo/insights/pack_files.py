"""A board pack (``pmo.insights.packs.Pack``) written as files: a printable PDF (WeasyPrint, as
the highlight reports are) and a PowerPoint deck (python-pptx) on the organisation's template.

The deck is the template's own slides first, their ``{{ name }}`` placeholders filled from the
meeting (``PLACEHOLDERS``), then the pack's slides on the template's layouts: the agenda, the
portfolio summary, and each item's paper. Without a template, python-pptx's plain one is used
with a cover slide of its own. ``template_problems`` says what is wrong with an uploaded deck
before it is kept."""

import re
from collections.abc import Iterable, Iterator
from io import BytesIO
from typing import Any

from django.template.loader import render_to_string
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Emu, Pt

from pmo.core.spreadsheets import FileError, checked_zip
from pmo.insights.packs import PLACEHOLDERS, Pack, Paper

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_]+)\s*\}\}")
NOT_PPTX = (
    "This file is not a PowerPoint deck (.pptx): save it from PowerPoint as a .pptx and upload it again."
)
UNKNOWN_PLACEHOLDER = (
    "Slide {slide} names {{{{ {name} }}}}, which a pack does not fill: use "
    + ", ".join(f"{{{{ {name} }}}}" for name in PLACEHOLDERS)
    + "."
)
ROWS_A_SLIDE = 14
CHARACTERS_A_PASSAGE = 900


def pack_pdf(pack: Pack) -> bytes:
    """The pack as an A4 PDF: cover, agenda, portfolio summary, then each item's paper."""
    from weasyprint import HTML  # WeasyPrint loads Pango: only when a pack is asked for

    from pmo.reporting.pdf import no_fetching

    html = render_to_string("insights/pack_pdf.html", {"pack": pack})
    return bytes(HTML(string=html, base_url=None, url_fetcher=no_fetching()).write_pdf())


# --- the deck -----------------------------------------------------------------------------------


def _open(content: bytes) -> Any:
    try:
        source = checked_zip(BytesIO(content), NOT_PPTX)
        return Presentation(source)
    except FileError:
        raise
    except Exception as exc:  # python-pptx raises many kinds of error on a damaged file
        raise FileError(NOT_PPTX) from exc


def _text_frames(shapes: Iterable[Any]) -> Iterator[Any]:
    for shape in shapes:
        if shape.has_text_frame:
            yield shape.text_frame
        if getattr(shape, "has_table", False) and shape.has_table:
            for row in shape.table.rows:
                for cell in row.cells:
                    yield cell.text_frame
        if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
            yield from _text_frames(shape.shapes)


def template_problems(content: bytes) -> list[str]:
    """What stops ``content`` being the packs' template (an empty list when nothing does)."""
    try:
        deck = _open(content)
    except FileError as problem:
        return [str(problem)]
    problems = []
    for number, slide in enumerate(deck.slides, start=1):
        for frame in _text_frames(slide.shapes):
            for name in PLACEHOLDER.findall(frame.text):
                if name not in PLACEHOLDERS:
                    problems.append(UNKNOWN_PLACEHOLDER.format(slide=number, name=name))
    return problems


def _fill(frame: Any, values: dict[str, str]) -> None:
    """Each paragraph's placeholders replaced, in the style of the paragraph's first run (a
    placeholder typed in PowerPoint is often split over several runs)."""
    for paragraph in frame.paragraphs:
        runs = paragraph.runs
        text = "".join(run.text for run in runs)
        if not runs or "{{" not in text:
            continue
        runs[0].text = PLACEHOLDER.sub(lambda found: values.get(found[1], found[0]), text)
        for run in runs[1:]:
            run.text = ""


def _layout(deck: Any, *names: str) -> Any:
    """The template's layout of the first of ``names`` it has, else its first layout with a
    title (organisations name their layouts as they like)."""
    layouts = list(deck.slide_layouts)
    for name in names:
        for layout in layouts:
            if layout.name.lower() == name.lower():
                return layout
    titled = [
        layout for layout in layouts if any(p.placeholder_format.type == 1 for p in layout.placeholders)
    ]
    return (titled or layouts)[0]


def _slide(deck: Any, title: str, *layouts: str) -> Any:
    slide = deck.slides.add_slide(_layout(deck, *layouts, "Title Only", "Title and Content"))
    if slide.shapes.title is not None:
        slide.shapes.title.text = title
    for placeholder in list(slide.placeholders):  # the layout's empty bodies would show prompts
        if (placeholder.placeholder_format.idx != 0 and not placeholder.has_text_frame) or (
            placeholder.placeholder_format.idx != 0 and not placeholder.text_frame.text
        ):
            placeholder._element.getparent().remove(placeholder._element)
    return slide


def _area(deck: Any) -> tuple[Emu, Emu, Emu, Emu]:
    """Left, top, width and height of the space under a slide's title."""
    width, height = deck.slide_width, deck.slide_height
    margin = Emu(int(width * 0.05))
    top = Emu(int(height * 0.2))
    return margin, top, Emu(width - 2 * margin), Emu(height - top - margin)


def _table(deck: Any, slide: Any, headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    left, top, width, height = _area(deck)
    shape = slide.shapes.add_table(len(rows) + 1, len(headers), left, top, width, Emu(int(height)))
    table = shape.table
    for column, header in enumerate(headers):
        table.cell(0, column).text = header
    for row_number, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            table.cell(row_number, column).text = value
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.text_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(11)


def _text(deck: Any, slide: Any, lines: list[tuple[str, str]]) -> None:
    left, top, width, height = _area(deck)
    frame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    first = True
    for heading, text in lines:
        paragraph = frame.paragraphs[0] if first else frame.add_paragraph()
        first = False
        lead = paragraph.add_run()
        lead.text = f"{heading}: " if heading else ""
        lead.font.bold = True
        lead.font.size = Pt(12)
        body = paragraph.add_run()
        body.text = text if len(text) <= CHARACTERS_A_PASSAGE else text[: CHARACTERS_A_PASSAGE - 1] + "…"
        body.font.size = Pt(12)


def _chunks(rows: list[Any]) -> list[list[Any]]:
    return [rows[start : start + ROWS_A_SLIDE] for start in range(0, len(rows), ROWS_A_SLIDE)] or [[]]


def _paper_slides(deck: Any, paper: Paper) -> None:
    title = f"{paper.number}. {paper.title}"
    slide = _slide(deck, title)
    facts = [("", f"{paper.kind}" + (f" — {paper.project}" if paper.project else "")), *paper.facts]
    _text(deck, slide, facts + [(heading, text) for heading, text in paper.passages[:2]])
    if paper.passages[2:]:
        _text(deck, _slide(deck, f"{title} (continued)"), paper.passages[2:])
    if paper.table is not None:
        headers, rows = paper.table
        for part, chunk in enumerate(_chunks(rows), start=1):
            _table(deck, _slide(deck, f"{title}: {headers[0].lower()} ({part})"), headers, chunk)


def pack_pptx(pack: Pack, template: bytes | None = None) -> bytes:
    """The pack as a deck on ``template`` (an uploaded .pptx), or on python-pptx's own."""
    values = pack.fields()
    if template:
        deck = _open(template)
        for slide in deck.slides:
            for frame in _text_frames(slide.shapes):
                _fill(frame, values)
    else:
        deck = Presentation()
        cover = deck.slides.add_slide(_layout(deck, "Title Slide"))
        cover.shapes.title.text = pack.board
        cover.placeholders[1].text = f"{values['date']}, {values['time']} — {values['location']}"

    agenda = [(str(n), title, kind, presenter) for n, title, kind, presenter in pack.agenda]
    for part, chunk in enumerate(_chunks(agenda), start=1):
        _table(deck, _slide(deck, f"Agenda ({part})"), ("No.", "Item", "Kind", "Presenter"), chunk)

    summary = _slide(deck, "Portfolio summary")
    ratings = "; ".join(f"{label} {count}" for label, count in pack.ratings) or "none reported"
    _text(
        deck,
        summary,
        [
            ("Active projects", values["active_projects"]),
            ("Overall status", ratings),
            ("Open exceptions", values["open_exceptions"]),
        ],
    )
    rows = [(p.code, p.name, p.manager, p.overall, p.tolerance or "Within") for p in pack.projects]
    for part, chunk in enumerate(_chunks(rows), start=1):
        _table(
            deck,
            _slide(deck, f"Projects ({part})"),
            ("Code", "Project", "Manager", "Overall", "Tolerance"),
            chunk,
        )

    for paper in pack.papers:
        _paper_slides(deck, paper)
    written = BytesIO()
    deck.save(written)
    return written.getvalue()
