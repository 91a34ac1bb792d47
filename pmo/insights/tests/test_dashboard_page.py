"""The dashboard (the cockpit) and the pages one click behind it show the Head of PMO the truth
about a small known portfolio (see conftest): declared statuses with the evidence, the
green-outside-red-inside flag and its reasons (the heatmap page), compliance for the period being
chased, exceptions and their age, projects at risk with their actions, and slippage.

Since the cockpit (issue 10), the heatmap, the projects at risk and the slippage tables are one
click deeper (/dashboard/projects/, /dashboard/at-risk/, /dashboard/slippage/), and compliance
counts the period being chased, not the newest open one."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from pmo.core.choices import Role
from pmo.insights.forms import SPONSOR_CHOOSER
from pmo.insights.selectors import DashboardFilters, dashboard
from pmo.insights.views import BAD_FILTER

pytestmark = pytest.mark.django_db

URL = "/dashboard/"
HEATMAP = "/dashboard/projects/"
SPONSORS = "/dashboard/sponsors/"


def text(html: str) -> str:
    """The page's words, tags stripped and spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def heatmap_row(html: str, code: str) -> str:
    match = re.search(rf'<tr data-project="{code}">(.*?)</tr>', html, re.S)
    assert match, f"{code} not in the heatmap"
    return text(match.group(1))


def section(html: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}">(.*?)</table>', html, re.S)
    assert match, testid
    return text(match.group(1))


@pytest.fixture
def head_page(portfolio, browser_for, pmo_head) -> str:
    response = browser_for(pmo_head).get(URL)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def heatmap_page(portfolio, browser_for, pmo_head) -> str:
    response = browser_for(pmo_head).get(HEATMAP)
    assert response.status_code == 200
    return response.content.decode()


def test_heatmap_lists_active_projects_worst_first_with_words_not_just_colour(heatmap_page):
    head_page = heatmap_page
    codes = re.findall(r'<tr data-project="([^"]+)">', head_page)
    assert codes == ["BRE-001", "OPT-001", "LAT-001", "NEW-001", "CON-001", "STE-001"]
    steady = heatmap_row(head_page, "STE-001")
    assert steady.count("Green") == 8  # overall, six dimensions, evidence
    assert "Nothing against it" in steady
    assert 'href="/reporting/projects/STE-001/"' in head_page


def test_a_breached_project_shows_red_with_the_reason(heatmap_page):
    row = heatmap_row(heatmap_page, "BRE-001")
    assert row.count("Red") == 8
    assert "time tolerance breached" in row
    assert "Tolerance: breached" in row
    assert "Green outside, red inside" not in row  # it says red itself


def test_an_optimistic_report_is_flagged_green_outside_red_inside_with_why(head_page, heatmap_page):
    row = heatmap_row(heatmap_page, "OPT-001")
    assert "Green Green Green Green Green Green Green Red" in row  # declared, then the evidence
    assert "Green outside, red inside" in row
    assert "Overall: declared green, evidence red (3 milestone(s) overdue)" in row
    assert "Schedule: declared green, evidence red (3 milestone(s) overdue)" in row
    flagged = r'href="/dashboard/projects/\?flag=optimistic" data-testid="count-flagged">1</a>'
    assert re.search(flagged, head_page)


def test_projects_without_reports_show_the_evidence_against_them(heatmap_page):
    head_page = heatmap_page
    late = heatmap_row(head_page, "LAT-001")
    assert late.count("Not reported") == 7
    assert "3 report(s) missing; no highlight report yet" in late
    new = heatmap_row(head_page, "NEW-001")
    assert "Amber" in new and "no highlight report yet" in new and "missing" not in new


def test_compliance_counts_the_period_being_chased_not_the_newest(portfolio, head_page):
    # The fortnight that ended six days ago, due yesterday, not the one open now; NEW-001 and
    # CON-001 started three days ago, so owe nothing for it; LAT-001 handed in nothing.
    chased = portfolio.periods[-2]
    assert "Missing 1 Draft or returned 0 Submitted late 3 Submitted on time 0" in section(
        head_page, "compliance"
    )
    period_page = reverse("reporting:period_detail", args=[chased.pk])
    assert f'href="{period_page}" data-testid="count-missing">1<' in head_page
    assert f"Reports for {chased}" in text(head_page)
    assert "(past due); 4 owed" in text(head_page)


def test_open_exceptions_show_their_age_and_an_overdue_report(head_page):
    row = section(head_page, "exception-ages")
    assert "BRE-001 time overdue 12" in row
    assert 'data-testid="count-exceptions">1</a>' in head_page
    assert "1 exception report overdue" in text(head_page)


def test_projects_at_risk_list_their_open_raid_actions(portfolio, browser_for, pmo_head):
    rows = section(browser_for(pmo_head).get("/dashboard/at-risk/").content.decode(), "at-risk")
    assert "BRE-001 Breached Red Breached time tolerance breached" in rows
    assert "Re-plan the build with the supplier — Olive Owner" in rows
    assert "overdue" in rows
    assert "Already done" not in rows
    assert "OPT-001" not in rows  # declares green and is within tolerance


def test_milestone_slippage_worst_first_in_days(browser_for, pmo_head, head_page):
    rows = section(browser_for(pmo_head).get("/dashboard/slippage/").content.decode(), "slippage")
    assert re.search(r"OPT-001 Optimistic Build .* 30 OPT-001 Optimistic Design .* 10", rows)
    assert "Test" not in rows  # on its baseline date
    # The cockpit says how many, and names the project with its worst slip
    assert "OPT-001 2 30 days" in section(head_page, "slippage")
    assert "2 key milestones forecast after their baseline, in 1 project." in text(head_page)


def test_status_trend_shows_shares_of_active_projects_drawn_on_the_server(portfolio, head_page):
    table = section(head_page, "trend-table")
    labels = [str(p) for p in portfolio.periods]
    # Period, green, amber, red, no report (count and share), active projects. The first period's
    # are the four started by then and the since-closed project that reported (LAT-001 did not);
    # the latest's, the six active projects (two started since): the denominator changes.
    assert f"{labels[0]} 4 (80%) 0 (0%) 0 (0%) 1 (20%) 5" in table
    assert f"{labels[3]} 3 (50%) 0 (0%) 1 (17%) 2 (33%) 6" in table
    chart = head_page[head_page.index('data-testid="trend-chart"') :]
    assert f'aria-label="{labels[3]}, 6 active projects: Green 50% (3); ' in chart
    assert "<script" not in head_page.split("</footer>")[0].split("<main")[-1]


def test_the_dashboard_loads_under_500_kb_of_javascript_all_from_this_site(head_page):
    from django.conf import settings
    from django.contrib.staticfiles import finders

    sources = re.findall(r'<script[^>]* src="([^"]+)"', head_page)
    assert sources, "the page loads its scripts from files"
    total = 0
    for source in sources:
        assert source.startswith(settings.STATIC_URL), source  # nothing from elsewhere
        found = finders.find(source.removeprefix(settings.STATIC_URL))
        assert found, source
        total += Path(found).stat().st_size
    assert total < 500_000, total


def test_filters_narrow_every_figure(portfolio, browser_for, pmo_head):
    finance = portfolio.projects["CON-001"].department
    html = browser_for(pmo_head).get(HEATMAP, {"department": finance.pk}).content.decode()
    assert re.findall(r'<tr data-project="([^"]+)">', html) == ["CON-001"]
    cockpit = browser_for(pmo_head).get(URL, {"department": finance.pk}).content.decode()
    assert "No open exceptions." in cockpit and "No milestone has slipped." in cockpit
    assert f'href="/dashboard/projects/?status=green&amp;department={finance.pk}">1</a>' in cockpit

    by_programme = browser_for(pmo_head).get(
        HEATMAP, {"programme": portfolio.projects["OPT-001"].programme_id}
    )
    codes = re.findall(r'<tr data-project="([^"]+)">', by_programme.content.decode())
    assert sorted(codes) == ["BRE-001", "LAT-001", "OPT-001", "STE-001"]

    by_sponsor = browser_for(pmo_head).get(HEATMAP, {"sponsor": portfolio.sponsor.pk}).content.decode()
    assert "CON-001" not in by_sponsor and "NEW-001" in by_sponsor


def test_the_sponsor_is_chosen_by_typing_among_the_sponsors_of_projects_one_may_see(
    portfolio, browser_for, pmo_head, make_user
):
    sam, label = portfolio.sponsor, SPONSOR_CHOOSER.label(portfolio.sponsor)
    head, outsider = browser_for(pmo_head), browser_for(make_user(Role.PROJECT_MANAGER))
    cockpit = head.get(URL).content.decode()
    assert '<select name="sponsor"' not in cockpit
    box = r'<input type="text" name="sponsor"[^>]*role="combobox"[^>]*hx-get="/dashboard/sponsors/'
    assert re.search(box, cockpit)

    # Typing lists the sponsors matching, of projects the reader may see: no one else
    def typed(client, text):
        return client.get(SPONSORS, {"field": "sponsor", "sponsor": text}).content.decode()

    assert label in typed(head, "sam spon") and "Fay Finance" in typed(head, "fay")
    assert "No match for “fay”" in typed(outsider, "fay")
    assert "No match for “carl”" in typed(head, "carl")  # a project manager, no sponsor

    # A sponsor typed by name filters; the box shows them, the links name them by id
    digital = portfolio.projects["OPT-001"].programme_id
    filtered = head.get(URL, {"sponsor": "sam sponsor", "programme": digital}).content.decode()
    assert f'value="{label}"' in filtered and f'<option value="{digital}" selected>' in filtered
    assert f'?status=green&amp;sponsor={sam.pk}&amp;programme={digital}"' in filtered
    deeper = head.get(HEATMAP, {"sponsor": label}).content.decode()
    assert "CON-001" not in deeper and "NEW-001" in deeper
    assert f'href="/dashboard/?sponsor={sam.pk}"' in deeper

    # The confidential project's sponsor cannot be named by one who may not see it
    refused = outsider.get(URL, {"sponsor": "Fay Finance"}).content.decode()
    unknown = SPONSOR_CHOOSER.unknown.format(text="Fay Finance")
    assert BAD_FILTER.format(errors=f"Sponsor: {unknown}") in refused


def test_a_bad_filter_is_named_and_ignored(portfolio, browser_for, pmo_head):
    response = browser_for(pmo_head).get(URL, {"portfolio": "999999"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="count-exceptions">1</a>' in html  # everything, as if unfiltered
    assert (
        BAD_FILTER.format(
            errors="Portfolio: Select a valid choice. That choice is not one of the available choices."
        )
        in html
    )
    heatmap = browser_for(pmo_head).get(HEATMAP, {"portfolio": "999999"}).content.decode()
    assert "A filter could not be applied" in heatmap
    assert len(re.findall(r'<tr data-project="', heatmap)) == 6


def test_a_confidential_project_is_hidden_from_those_who_may_not_see_it(portfolio, browser_for, make_user):
    outsider = make_user(Role.PROJECT_MANAGER)
    html = browser_for(outsider).get(HEATMAP).content.decode()
    assert "CON-001" not in html and "Confidential" not in html
    assert len(re.findall(r'<tr data-project="', html)) == 5
    cockpit = browser_for(outsider).get(URL).content.decode()
    assert "Fay Finance" not in cockpit  # nor its sponsor in the filter
    assert "5 active projects you can see" in text(cockpit)

    own = make_user(Role.PROJECT_MANAGER)
    portfolio.confidential_pm.user = own
    portfolio.confidential_pm.save()
    assert "CON-001" in browser_for(own).get(HEATMAP).content.decode()


def test_signed_out_visitors_are_sent_to_sign_in(client, portfolio):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert client.get(reverse("insights:dashboard_export")).status_code == 302


def test_heatmap_pages_fifty_rows_at_a_time(portfolio, browser_for, pmo_head):
    from pmo.portfolio.tests.factories import ProjectFactory

    ProjectFactory.create_batch(50)
    first = browser_for(pmo_head).get(HEATMAP).content.decode()
    assert len(re.findall(r'<tr data-project="', first)) == 50
    assert "Page 1 of 2" in first
    second = browser_for(pmo_head).get(HEATMAP, {"page": 2}).content.decode()
    assert len(re.findall(r'<tr data-project="', second)) == 6


def test_the_selector_gives_the_same_figures(portfolio, pmo_head):
    figures = dashboard(user=pmo_head, filters=DashboardFilters())
    assert figures.counts["projects"] == 6 and figures.counts["flagged"] == 1
    assert [e.age_days for e in figures.exceptions] == [12]
    assert [(s.milestone, s.slip_days) for s in figures.slippage] == [("Build", 30), ("Design", 10)]
