"""The Finance tab's earned value by milestones and its charts: the world of
``api/test_evm_milestones`` (no plan; budget £1,000 a month October to January; Design achieved
of Design, Build and Live; £2,200 spent by November), on 4 December 2026."""

import re

import pytest

from pmo.finance.tests.api.test_evm import plan_of
from pmo.finance.tests.api.test_evm_milestones import milestones  # noqa: F401 (the fixture)
from pmo.finance.tests.views.conftest import client_for

pytestmark = pytest.mark.django_db
URL = "/finance/projects/WEB/"


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def section(html: str, test_id: str) -> str:
    found = re.search(rf'<(\w+)[^>]*data-testid="{test_id}".*?</\1>', html, re.S)
    assert found is not None, test_id
    return found.group(0)


def test_the_tab_says_ev_is_from_the_milestones_achieved_and_shows_spi_t(milestones):  # noqa: F811
    html = client_for(milestones.cast.pm).get(URL).content.decode()
    method = text(section(html, "evm-method"))
    assert "EV from: milestones achieved (1 of 3 key milestones achieved (the November 2026" in method
    figures = text(section(html, "evm"))
    assert "EV from milestones achieved Key milestones achieved 1 of 3" in figures
    assert "Earned value (EV) £1,000" in figures
    assert "Schedule performance in time (SPI(t)) 0.5 " in figures
    assert "Percent complete" not in figures


def test_the_s_curve_and_the_index_trend_with_their_tables(milestones):  # noqa: F811
    html = client_for(milestones.cast.pm).get(URL).content.decode()
    curve = section(html, "evm-s-curve")
    assert '<svg viewBox="0 0 360 240" role="group"' in curve and "<desc" in curve
    assert 'style="' not in curve  # colours are classes: the CSP forbids inline styles
    assert 'tabindex="0" role="img" aria-label="Nov 2026: PV £2,000, EV £1,000, AC £2,200"' in curve
    assert "evm-line evm-eac" in curve  # the projection to the EAC (BAC / CPI = £8,800)
    rows = text(section(curve, "evm-s-curve-table"))
    assert "Oct 2026 £1,000 £1,000 £900 Nov 2026 £2,000 £1,000 £2,200 EAC at 31 May 2027 £8,800" in rows
    trend = section(html, "evm-trend")
    assert "CPI and SPI(t) threshold 0.95" in trend  # the two thresholds agree: one line
    assert text(section(trend, "evm-trend-table")).endswith(
        "Month end CPI SPI SPI(t) Oct 2026 1.11 1.00 1.00 Nov 2026 0.45 0.50 0.50 "
    )
    assert 'href="/static/finance/evm.css"' in html or "finance/evm." in html


def test_by_the_plan_the_tab_says_so_and_the_trend_has_one_point(milestones):  # noqa: F811
    plan_of(milestones.cast.project, (60, 100), (90, 0))
    html = client_for(milestones.cast.pm).get(URL).content.decode()
    assert "EV from: plan percent complete" in text(section(html, "evm-method"))
    assert "Key milestones achieved" not in text(section(html, "evm"))
    curve = section(html, "evm-s-curve")
    assert "EV is known at the status date only" in text(curve)
    assert "Oct 2026 £1,000 — £900" in text(section(curve, "evm-s-curve-table"))


def test_without_money_the_charts_say_why_they_are_missing(books):
    html = client_for(books.finance).get("/finance/projects/HR/").content.decode()
    assert "evm-s-curve" not in html  # no finance data: the empty state instead of the section
