"""Issue 13's "done when", in Chromium: the PMO's secretary schedules an IT Portfolio Review and
its agenda fills itself from the live portfolio (WEB's gate review, the board's to decide); the
agenda is issued; at the meeting the quorum is recorded and the board decides the gate with a
condition, which appears as an action on WEB's RAID log; the meeting is held and the chair
approves its minutes; the pack downloads as a PDF and as a PowerPoint deck, both opened back and
read; and WEB has moved into the gate's stage. Each meeting page on the way passes axe."""

import io
import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pptx import Presentation
from pypdf import PdfReader

from pmo.conftest import assert_accessible
from pmo.governance.models import GateReview
from pmo.governance.tests.boards import board_of
from pmo.governance.tests.steps import in_review
from pmo.portfolio.choices import SizeTier
from pmo.portfolio.models import Project
from pmo.portfolio.tests.browser.conftest import sign_in_on, sign_out
from pmo.raid.models import Action
from pmo.raid.tests.cast import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONDITION = "Finish the penetration test before go-live"


@pytest.fixture
def world(cast: Cast) -> tuple[Cast, GateReview]:
    """WEB (large: the board decides its gates) with its next gate's review submitted, and the
    IT Portfolio Review, quorum 2, that holds the portfolio to account."""
    Project.objects.filter(pk=cast.project.pk).update(size_tier=SizeTier.LARGE)
    cast.project.refresh_from_db()
    board_of(cast)
    return cast, in_review(cast)


def field(page: Page, label: str) -> Any:
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def downloaded(page: Page, link: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=link).click()
    return info.value.path().read_bytes()


def test_a_portfolio_review_decides_a_gate_and_its_pack_and_minutes_are_made(live_server, page, world):
    cast, review = world
    base = live_server.url
    gate = str(review.gate)
    next_stage = review.gate.stage.name

    # Given the board's secretary, on the boards page
    sign_in_on(page, base, cast.officer)
    page.goto(f"{base}/boards/")
    page.get_by_role("link", name="IT Portfolio Review").click()

    # When they schedule a meeting
    page.get_by_role("link", name="Schedule a meeting").click()
    field(page, "Starts").fill("2026-12-10T14:00")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main .messages")).to_contain_text("1 meeting(s) of IT Portfolio Review scheduled")

    # then its agenda fills itself from the live portfolio: WEB's gate is the board's to decide
    page.get_by_role("button", name="Build the agenda").click()
    expect(page.locator("main .messages")).to_contain_text("added to the agenda from the live portfolio")
    expect(page.locator("main")).to_contain_text(gate)
    assert_accessible(page, "meeting-agenda")

    # and it is issued to the members
    page.get_by_role("button", name=re.compile("Issue the agenda")).click()
    expect(page.locator("main .messages")).to_contain_text("is issued")

    # At the meeting: the quorum recorded
    page.get_by_role("link", name="Attendance").click()
    page.get_by_role("group", name=re.compile(r"^Cleo Chair \(Chair\)")).get_by_label("Present").check()
    page.get_by_role("group", name=re.compile(r"^Hana Head \(Member")).get_by_label("Present").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main .messages")).to_contain_text("Attendance recorded: 2 of the 2")

    # the gate decided with a condition
    page.get_by_role("link", name="Decide the gate").click()
    page.get_by_label("Go with conditions").check()
    field(page, "Reasons").fill("Ready to deliver once the security test is done.")
    field(page, "Condition 1").fill(CONDITION)
    field(page, "Condition 1: due").fill("2027-01-15")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main .messages")).to_contain_text("Recorded against")

    # and the meeting held
    page.get_by_role("button", name=re.compile("held")).click()
    expect(page.locator("main .messages")).to_contain_text("recorded as held")
    assert_accessible(page, "meeting-held")

    # Then the condition is an action on WEB's RAID log
    page.goto(f"{base}/raid/projects/WEB/?kind=actions")
    expect(page.locator("main")).to_contain_text(CONDITION)
    action = Action.objects.get(project=cast.project, title=CONDITION)
    assert action.owner == cast.project.project_manager

    # and WEB has moved into the gate's stage
    page.goto(f"{base}/projects/WEB/")
    expect(page.locator("main")).to_contain_text(next_stage)
    assert Project.objects.get(pk=cast.project.pk).stage.name == next_stage
    sign_out(page)

    # When the chair approves the minutes, they are frozen
    sign_in_on(page, base, cast.executive)
    page.goto(f"{base}/meetings/")
    page.get_by_role("link", name=re.compile("IT Portfolio Review")).first.click()
    page.get_by_role("button", name=re.compile("Approve the minutes")).click()
    expect(page.locator("main .messages")).to_contain_text("are approved and frozen")
    expect(page.get_by_role("link", name="Decide the gate")).to_have_count(0)

    # and the pack downloads as a PDF and a PowerPoint deck that say what the board decided on
    sheets = PdfReader(io.BytesIO(downloaded(page, "Board pack (PDF)"))).pages
    pdf = " ".join(sheet.extract_text() for sheet in sheets)
    assert "IT Portfolio Review" in pdf and "10 December 2026" in " ".join(pdf.split())
    assert gate in " ".join(pdf.split()) and "Portfolio summary" in pdf
    deck = Presentation(io.BytesIO(downloaded(page, "Board pack (PowerPoint)")))
    titles = [slide.shapes.title.text for slide in deck.slides if slide.shapes.title is not None]
    assert titles[0] == "IT Portfolio Review"
    assert "Portfolio summary" in titles and any(gate in title for title in titles)
