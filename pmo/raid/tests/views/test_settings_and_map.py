"""The RAID settings (everyone reads, the PMO head edits) and the dependency map (a network
drawn in SVG with every edge also in a table; who is affected if a project slips)."""

import pytest

from pmo.portfolio.tests.factories import ProjectFactory
from pmo.raid.models import RaidSettings
from pmo.raid.selectors import raid_settings
from pmo.raid.tests.factories import DependencyFactory
from pmo.raid.tests.views.helpers import client_for, doc, field_error, table_rows, text_of

pytestmark = pytest.mark.django_db


def settings_data(row, **changes):
    data = {
        name: getattr(row, name)
        for name in (
            "probability_levels",
            "impact_levels",
            "medium_from",
            "high_from",
            "likelihoods",
            "stale_days",
        )
    }
    return {**data, "version": row.version, **changes}


def test_an_officer_reads_the_settings_but_cannot_change_them(cast):
    row = raid_settings()
    client = client_for(cast.officer)

    shown = client.get("/raid/settings/")
    refused = client.post("/raid/settings/", settings_data(row, stale_days=10))

    assert not doc(shown).xpath("//form[@method='post']//input[@name='stale_days']")
    assert "An open item is stale after (days without review) 30" in text_of(shown)
    assert refused.status_code == 403
    assert "You do not have permission to change the RAID settings." in text_of(refused)
    assert RaidSettings.objects.get().stale_days == 30


def test_the_pmo_head_changes_the_stale_threshold(cast):
    row = raid_settings()

    response = client_for(cast.head).post("/raid/settings/", settings_data(row, stale_days=14), follow=True)

    assert "RAID settings saved." in text_of(response)
    assert RaidSettings.objects.get().stale_days == 14


def test_bands_outside_the_matrix_are_refused_beside_the_field(cast):
    row = raid_settings()

    response = client_for(cast.head).post("/raid/settings/", settings_data(row, high_from=30))

    assert response.status_code == 400
    assert field_error(response, "high_from") == (
        "The medium band must start above 1 and below the high band, within the matrix's top score 25."
    )
    assert RaidSettings.objects.get().high_from == 15


def test_a_stale_settings_version_is_a_conflict(cast):
    row = raid_settings()
    stale = settings_data(row, stale_days=20)
    client_for(cast.head).post("/raid/settings/", settings_data(row, stale_days=14))

    response = client_for(cast.head).post("/raid/settings/", stale)

    assert response.status_code == 409
    assert "was changed by head" in text_of(response)
    assert RaidSettings.objects.get().stale_days == 14


def test_the_map_draws_each_project_and_lists_every_dependency(cast):
    crm = ProjectFactory(code="CRM", name="CRM")
    feed = DependencyFactory(
        project=cast.project, depends_on=cast.other_project, provider="", title="HR feed"
    )
    forms = DependencyFactory(project=crm, depends_on=cast.project, provider="", title="Web forms")

    response = client_for(cast.analyst).get("/raid/dependencies/map/")

    svg = doc(response).xpath("//svg[@data-testid='dependency-map']")[0]
    labels = [t.text_content().strip() for t in svg.xpath(".//g//text/tspan[@class='code']")]
    assert labels == ["HR", "WEB", "CRM"]  # columns: HR depends on nothing, WEB on HR, CRM on WEB
    # each box names the project and says its declared status in words (none reported yet)
    assert [t.text_content() for t in svg.xpath(".//g//text/tspan[@class='name']")] == [
        "HR system",
        "Website",
        "CRM",
    ]
    assert {t.text_content() for t in svg.xpath(".//g//text/tspan[@class='status']")} == {"Not reported"}
    assert all("rating-none" in g.get("class") for g in svg.xpath(".//g[contains(@class, 'node')]"))
    xs = [int(r.get("x")) for r in svg.xpath(".//g//rect")]
    assert xs[0] < xs[1] < xs[2]
    assert [line.xpath("title")[0].text for line in svg.xpath(".//line")] == [
        "WEB depends on HR",
        "CRM depends on WEB",
    ]
    assert [row[:3] for row in table_rows(response, "edges")] == [
        ["CRM", "WEB", f"{forms.reference} Web forms"],
        ["WEB", "HR", f"{feed.reference} HR feed"],
    ]


def test_if_a_project_slips_the_map_says_who_is_affected(cast):
    crm = ProjectFactory(code="CRM", name="CRM")
    DependencyFactory(project=cast.project, depends_on=cast.other_project, provider="")
    DependencyFactory(project=crm, depends_on=cast.project, provider="")

    response = client_for(cast.analyst).get("/raid/dependencies/map/", {"project": "HR"})

    affected = doc(response).xpath("//*[@data-testid='affected']//li")
    assert [" ".join(li.text_content().split()) for li in affected] == [
        "WEB Website: directly (project manager Pat Manager)",
        f"CRM CRM: through 1 other project (project manager {crm.project_manager})",
    ]
    chosen = doc(response).xpath("//svg//g[contains(@class,'chosen')]//text/tspan[@class='code']")
    assert chosen[0].text_content().strip() == "HR"
    assert doc(response).xpath("//input[@name='project']")[0].get("value") == "HR HR system"
    assert len(doc(response).xpath("//svg//g[contains(@class,'affected')]")) == 2


def test_the_project_is_chosen_by_its_name_and_one_not_found_is_said_beside_the_box(cast):
    DependencyFactory(project=cast.project, depends_on=cast.other_project, provider="")
    client = client_for(cast.analyst)

    by_name = client.get("/raid/dependencies/map/", {"project": "hr system"})
    unknown = client.get("/raid/dependencies/map/", {"project": "Payroll"})

    assert "If HR slips, these are affected" in text_of(by_name)
    assert not doc(unknown).xpath("//*[@data-testid='affected']")
    assert doc(unknown).xpath("//*[@id='id_project_error']")[0].text_content() == (
        "No project you may see has the code or name “Payroll”."
    )
    assert doc(unknown).xpath("//svg[@data-testid='dependency-map']")  # the map is still drawn


def test_the_map_hides_a_confidential_project(cast):
    secret = ProjectFactory(code="SEC", confidential=True)
    DependencyFactory(project=secret, depends_on=cast.project, provider="")

    response = client_for(cast.pm).get("/raid/dependencies/map/")

    assert not doc(response).xpath("//svg")
    assert "No open dependencies between projects you may see." in text_of(response)


def test_a_likelihood_that_is_not_a_number_is_refused_beside_the_field(cast):
    row = raid_settings()

    response = client_for(cast.head).post(
        "/raid/settings/", settings_data(row, likelihoods="5, 20, NaN, 60, 85")
    )

    assert response.status_code == 400
    assert field_error(response, "likelihoods") == (
        "Give one whole-number percentage per probability level, separated by commas."
    )
    assert RaidSettings.objects.get().likelihoods == "5, 20, 40, 60, 85"


def test_the_export_of_a_confidential_projects_register_is_not_found_for_others(cast):
    from pmo.portfolio.tests.factories import ProjectFactory

    ProjectFactory(code="SECRET", confidential=True)

    refused = client_for(cast.other_pm).get("/raid/risks/export.xlsx?register=project:SECRET")
    allowed = client_for(cast.head).get("/raid/risks/export.xlsx?register=project:SECRET")

    assert (refused.status_code, allowed.status_code) == (404, 200)
