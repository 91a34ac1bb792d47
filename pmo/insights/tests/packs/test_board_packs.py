"""A meeting's board pack from live data, in one click: the PDF and the PowerPoint deck (on the
organisation's template, its placeholders filled) opened back and read; the template refused
when it is no deck or names a placeholder a pack does not fill; no pack for a meeting with no
agenda; the template is the PMO head's to change."""

import datetime as dt
import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone
from pptx import Presentation
from pypdf import PdfReader

from pmo.governance import services as gate_services
from pmo.governance import services_boards
from pmo.governance.choices import AgendaSource
from pmo.governance.models import AgendaItem
from pmo.governance.tests.boards import meeting_of
from pmo.governance.tests.steps import in_review
from pmo.insights.models import PackTemplate
from pmo.insights.pack_files import pack_pdf, pack_pptx
from pmo.insights.packs import PackRefused, board_pack
from pmo.insights.services import pack_template_upload
from pmo.reporting.models import ProjectException

pytestmark = pytest.mark.django_db

CAUSE = "The supplier's data migration failed its second rehearsal."


def agenda(cast):
    """The Portfolio Review of 10 Dec 2026: WEB's open exception (from the live portfolio), its
    gate review put before the board, and a paper added by hand."""
    ProjectException.objects.create(
        project=cast.project,
        dimensions="time",
        breach_summary="Forecast finish 40 days beyond the baseline; tolerance 28 days.",
        raised_at=timezone.now() - dt.timedelta(days=9),
        cause=CAUSE,
        recommendation="Add a third rehearsal.",
    )
    meeting = meeting_of(cast)
    services_boards.meeting_agenda_build(actor=cast.officer, meeting=meeting)
    review = in_review(cast)
    AgendaItem.objects.create(
        meeting=meeting, order=50, source=AgendaSource.GATE_REVIEW, source_key=f"gate:{review.pk}",
        title=f"{cast.project.code}: {review.gate}", project=cast.project, gate_review=review,
    )  # fmt: skip
    services_boards.agenda_item_add(
        actor=cast.officer, meeting=meeting,
        fields={"title": "Cloud hosting strategy", "paper": "Move the data centre by 2028."},
    )  # fmt: skip
    return meeting


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def slide_texts(content: bytes) -> list[str]:
    texts = []
    for slide in Presentation(io.BytesIO(content)).slides:
        parts = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if shape.has_table:
                parts.extend(cell.text for row in shape.table.rows for cell in row.cells)
        texts.append("\n".join(parts))
    return texts


def test_the_pdf_pack_holds_the_agenda_the_portfolio_and_each_items_paper(cast):
    meeting = agenda(cast)

    text = " ".join(pdf_text(pack_pdf(board_pack(user=cast.head, meeting=meeting))).split())

    assert "IT Portfolio Review" in text and "Thursday 10 December 2026, 14:00" in text
    assert "Committee Room 2" in text
    assert "Agenda" in text and "Cloud hosting strategy" in text
    assert "Portfolio summary" in text and cast.project.code in text
    assert CAUSE in text and "Add a third rehearsal." in text  # the exception report
    assert "Evidence" in text and " of " in text  # the gate's evidence judged
    assert "Move the data centre by 2028." in text  # the paper added by hand


def test_the_deck_on_the_plain_template_has_a_slide_for_each_part(cast):
    meeting = agenda(cast)
    pack = board_pack(user=cast.head, meeting=meeting)

    slides = slide_texts(pack_pptx(pack))

    assert slides[0].startswith("IT Portfolio Review") and "10 December 2026, 14:00" in slides[0]
    assert slides[1].startswith("Agenda (1)") and "Cloud hosting strategy" in slides[1]
    summary = next(s for s in slides if s.startswith("Portfolio summary"))
    assert f"Active projects: {pack.active_projects}" in summary
    titles = [s.split("\n")[0] for s in slides]
    for number, title, _kind, _presenter in pack.agenda:
        assert f"{number}. {title}" in titles
    assert any(CAUSE in s for s in slides)


def organisation_template() -> bytes:
    """A deck with the organisation's cover: placeholders typed over several runs, as
    PowerPoint keeps text the user edited."""
    deck = Presentation()
    cover = deck.slides.add_slide(deck.slide_layouts[0])
    paragraph = cover.shapes.title.text_frame.paragraphs[0]
    for part in ("{{ bo", "ard }} — {{date}}", " at {{ time }}"):
        paragraph.add_run().text = part
    cover.placeholders[1].text = "{{ red }} red of {{ active_projects }} active; {{ items }} items"
    written = io.BytesIO()
    deck.save(written)
    return written.getvalue()


def test_the_deck_on_the_organisations_template_fills_its_placeholders(cast):
    meeting = agenda(cast)
    pack_template_upload(actor=cast.head, filename="Northshire board.pptx", content=organisation_template())
    pack = board_pack(user=cast.head, meeting=meeting)

    response = cast_client(cast.head).get(reverse("insights:meeting_pack_pptx", args=[meeting.pk]))

    assert response.status_code == 200
    assert (
        response["Content-Disposition"] == 'attachment; filename="it-portfolio-review-2026-12-10-pack.pptx"'
    )
    slides = slide_texts(response.content)
    assert slides[0].split("\n")[0] == "IT Portfolio Review — 10 December 2026 at 14:00"
    red = dict(pack.ratings).get("Red", 0)
    assert slides[0].split("\n")[1] == f"{red} red of {pack.active_projects} active; {len(pack.agenda)} items"
    assert slides[1].startswith("Agenda (1)")


def cast_client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_the_pdf_downloads_in_one_click_and_a_meeting_with_no_agenda_has_no_pack(cast):
    meeting = agenda(cast)
    empty = meeting_of(cast, board=meeting.board, at=dt.datetime(2027, 1, 14, 14, 0))
    client = cast_client(cast.officer)

    response = client.get(reverse("insights:meeting_pack_pdf", args=[meeting.pk]))
    refused = client.get(reverse("insights:meeting_pack_pdf", args=[empty.pk]))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "Cloud hosting strategy" in pdf_text(response.content)
    assert refused.status_code == 400
    assert "has no agenda yet: add or build its agenda before making its pack" in refused.content.decode()
    with pytest.raises(PackRefused):
        board_pack(user=cast.head, meeting=empty)


def zip_of(files: dict[str, bytes]) -> bytes:
    written = io.BytesIO()
    with zipfile.ZipFile(written, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return written.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("board.pptx", b"not a deck at all", "This file is not a PowerPoint deck"),
        ("board.pptx", zip_of({"word/document.xml": b"<w/>"}), "This file is not a PowerPoint deck"),
        ("board.pptx", zip_of({"big.xml": b"0" * 12_000_000}), "The file unpacks to more than"),
        ("board.potx", b"", "a file whose name ends in .pptx"),
    ],
    ids=["not a zip", "a zip but no deck", "a zip bomb", "not .pptx"],
)
def test_a_file_that_is_no_deck_is_refused_saying_why(cast, settings, name, content, problem):
    settings.PMO_MAX_UPLOAD_BYTES = 1_000_000  # unpacked, ten times that
    response = cast_client(cast.head).post(
        reverse("insights:pack_template"), {"file": _upload(name, content or b"x")}
    )

    assert response.status_code == 400
    assert problem in response.content.decode()
    assert not PackTemplate.objects.exists()


def _upload(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_a_template_naming_a_placeholder_no_pack_fills_is_refused_naming_its_slide(cast):
    deck = Presentation()
    deck.slides.add_slide(deck.slide_layouts[0])
    slide = deck.slides.add_slide(deck.slide_layouts[1])
    slide.shapes.title.text = "Budget: {{ budget }}"
    written = io.BytesIO()
    deck.save(written)

    response = cast_client(cast.head).post(
        reverse("insights:pack_template"), {"file": _upload("board.pptx", written.getvalue())}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Slide 2 names {{ budget }}, which a pack does not fill" in page
    assert "{{ open_exceptions }}" in page


def test_only_the_pmo_head_changes_the_template_and_everyone_reads_which_it_is(cast):
    pack_template_upload(actor=cast.head, filename="Northshire board.pptx", content=organisation_template())
    url = reverse("insights:pack_template")

    officer = cast_client(cast.officer)
    page = officer.get(url).content.decode()
    refused = officer.post(url, {"file": _upload("mine.pptx", organisation_template())})
    download = officer.get(url + "?download=1")

    assert "Northshire board.pptx" in page and "Upload" not in page
    assert refused.status_code == 403
    assert download.status_code == 200 and download.content == organisation_template()
    head = cast_client(cast.head)
    template = PackTemplate.objects.get()
    removed = head.post(url, {"remove": "1", "version": template.version}, follow=True)
    assert "Board packs are made on the plain deck from now on." in removed.content.decode()
    assert not PackTemplate.objects.exists()


def test_gathering_a_pack_takes_the_same_queries_for_more_items(cast):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small = agenda(cast)
    board_pack(user=cast.head, meeting=small)  # the settings rows made on first reading
    cache.clear()  # each pack reads the dashboard's figures afresh
    with CaptureQueriesContext(connection) as first:
        board_pack(user=cast.head, meeting=small)
    larger = meeting_of(cast, board=small.board, at=dt.datetime(2027, 1, 14, 14, 0))
    ProjectException.objects.create(
        project=cast.other_project, dimensions="cost", breach_summary="£40k over.",
        raised_at=timezone.now() - dt.timedelta(days=3),
    )  # fmt: skip
    services_boards.meeting_agenda_build(actor=cast.officer, meeting=larger)
    reviews = [
        small.items.get(source=AgendaSource.GATE_REVIEW).gate_review,
        gate_services.gate_review_open(actor=cast.head, project=cast.other_project),
    ]
    for review in reviews:
        AgendaItem.objects.create(
            meeting=larger, order=60 + review.pk, source=AgendaSource.GATE_REVIEW,
            source_key=f"gate:{review.pk}", title=str(review.gate), project=review.project,
            gate_review=review,
        )  # fmt: skip
    for title in ("Cloud strategy", "Budget round", "Any other business"):
        services_boards.agenda_item_add(actor=cast.officer, meeting=larger, fields={"title": title})

    cache.clear()
    with CaptureQueriesContext(connection) as second:
        pack = board_pack(user=cast.head, meeting=larger)

    assert len(pack.papers) > len(board_pack(user=cast.head, meeting=small).papers)
    assert len(second.captured_queries) == len(first.captured_queries)
