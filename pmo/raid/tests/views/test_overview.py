"""The portfolio RAID overview: heat maps before and after response (counts and band words,
each cell a link to its risks), the top ten risks, themes, stale and past-due counts, filters."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory
from pmo.raid.choices import RiskCategory
from pmo.raid.tests.factories import ActionFactory, RiskFactory
from pmo.raid.tests.views.helpers import client_for, doc, references, table_rows

pytestmark = pytest.mark.django_db


def cell(response, which, probability, impact):
    """The text and link of one heat-map cell."""
    rows = doc(response).xpath(f"//table[@data-testid='heat-{which}']/tbody/tr")
    row = next(r for r in rows if r.xpath("th")[0].text_content() == f"Probability {probability}")
    link = row.xpath("td")[impact - 1].xpath("a")[0]
    return " ".join(link.text_content().split()), link.get("href")


def risk(project, p, i, rp, ri, **fields):
    today = timezone.localdate()
    fields.setdefault("last_reviewed_on", today)
    return RiskFactory(
        project=project,
        inherent_probability=p,
        inherent_impact=i,
        residual_probability=rp,
        residual_impact=ri,
        **fields,
    )


def test_heat_maps_count_each_cell_in_words_and_link_to_its_risks(cast):
    a = risk(cast.project, 5, 5, 2, 3)
    b = risk(cast.other_project, 5, 5, 2, 3)
    risk(cast.project, 1, 1, 1, 1)
    client = client_for(cast.executive)

    response = client.get("/raid/")

    assert cell(response, "inherent", 5, 5)[0] == "2 high"
    assert cell(response, "inherent", 1, 1)[0] == "1 low"
    assert cell(response, "inherent", 3, 2)[0] == "0 medium"
    text, link = cell(response, "residual", 2, 3)
    assert text == "2 medium"
    assert sorted(references(client.get(link))) == sorted([a.reference, b.reference])


def test_the_top_ten_risks_worst_first_with_owner_and_project(cast):
    owner = PersonFactory(name="Rita Owner")
    worst = risk(cast.project, 5, 5, 5, 5, owner=owner, expected_value=Decimal(170000))
    for n in range(11):
        risk(cast.other_project, 3, 3, 2, 2, title=f"Minor {n}")

    response = client_for(cast.analyst).get("/raid/")

    rows = table_rows(response, "top-threats")
    assert len(rows) == 10
    assert rows[0] == [worst.reference, worst.title, "WEB Website", "Rita Owner", "25 high", "£170,000"]


def test_threats_and_opportunities_are_ranked_apart(cast):
    threat = risk(cast.project, 3, 3, 2, 2, title="Supplier late")
    opportunity = risk(cast.project, 5, 5, 5, 5, title="Shared licence", kind="opportunity")

    response = client_for(cast.analyst).get("/raid/")

    assert [row[1] for row in table_rows(response, "top-threats")] == [threat.title]
    assert [row[1] for row in table_rows(response, "top-opportunities")] == [opportunity.title]
    headings = [" ".join(h.text_content().split()) for h in doc(response).xpath("//h2")]
    assert {"Top 10 threats", "Top 10 opportunities"} <= set(headings)


def test_themes_count_open_risks_by_category_and_band(cast):
    risk(cast.project, 5, 5, 5, 4, category=RiskCategory.SECURITY)
    risk(cast.project, 5, 5, 1, 2, category=RiskCategory.SECURITY)
    risk(cast.project, 5, 5, 5, 4, category=RiskCategory.SECURITY, status="closed")

    response = client_for(cast.analyst).get("/raid/")

    rows = {row[0]: row[1:] for row in table_rows(response, "themes")}
    assert rows["Information security"] == ["1", "0", "1", "2"]
    assert rows["Financial"] == ["0", "0", "0", "0"]


def test_stale_and_past_due_counts_per_register_link_to_them(cast):
    today = timezone.localdate()
    risk(cast.project, 3, 3, 2, 2, last_reviewed_on=today - dt.timedelta(days=45))
    ActionFactory(project=cast.project, due=today - dt.timedelta(days=3), last_reviewed_on=today)
    ActionFactory(project=cast.project, due=today + dt.timedelta(days=3), last_reviewed_on=today)

    response = client_for(cast.analyst).get("/raid/")

    rows = {row[0]: row[1:] for row in table_rows(response, "register-counts")}
    assert rows["Risks"] == ["1", "1", "0"]
    assert rows["Actions"] == ["2", "0", "1"]
    link = doc(response).xpath("//a[@aria-label='1 past-due actions']")[0].get("href")
    assert link == "/raid/actions/?past_due=on"


def test_filters_narrow_every_figure(cast):
    risk(cast.project, 5, 5, 5, 5)
    risk(cast.other_project, 5, 5, 5, 5)

    response = client_for(cast.analyst).get("/raid/", {"project": "HR"})

    assert cell(response, "inherent", 5, 5)[0] == "1 high"
    assert [row[2] for row in table_rows(response, "top-threats")] == ["HR HR system"]
    assert {row[0]: row[1] for row in table_rows(response, "register-counts")}["Risks"] == "1"
    assert "project=HR" in cell(response, "residual", 5, 5)[1]


def test_a_confidential_projects_risks_are_left_out_for_a_non_member(cast):
    secret = ProjectFactory(code="SEC", confidential=True)
    risk(secret, 5, 5, 5, 5)

    for_pm = client_for(cast.pm).get("/raid/")
    for_pmo = client_for(cast.analyst).get("/raid/")

    assert cell(for_pm, "residual", 5, 5)[0] == "0 high"
    assert table_rows(for_pm, "top-threats") == [["No open threats."]]
    assert cell(for_pmo, "residual", 5, 5)[0] == "1 high"


def test_filtered_by_programme_the_overview_links_to_its_register(cast):
    response = client_for(cast.analyst).get("/raid/", {"programme": cast.programme.pk})

    link = doc(response).xpath("//*[@data-testid='home-registers']//a")[0]
    assert link.text_content() == "Open the Digital programme's register"
    assert link.get("href") == f"/raid/programmes/{cast.programme.pk}/"
