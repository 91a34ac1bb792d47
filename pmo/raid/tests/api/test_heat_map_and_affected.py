"""``risks/heat-map/`` counts the open risks the filters choose, cell by cell;
``dependencies/affected/`` says who waits on a project that slips."""

import pytest

from pmo.core.api import NO_SUCH_PROJECT, PROJECT_CODE_REQUIRED
from pmo.portfolio.tests.factories import ProjectFactory
from pmo.raid.tests.factories import DependencyFactory, RiskFactory

pytestmark = pytest.mark.django_db


def cell(grid, probability, impact):
    row = next(row for row in grid if row["probability"] == probability)
    return next(c for c in row["cells"] if c["impact"] == impact)


def counted(grid):
    return {(c["probability"], c["impact"]): c["count"] for row in grid for c in row["cells"] if c["count"]}


def test_the_heat_map_counts_open_risks_inherent_and_residual(client_for, cast):
    # given WEB's open risks, one closed one, and one of HR
    scores = [(5, 5, 3, 2), (5, 5, 3, 2), (4, 3, 1, 1), (2, 4, 2, 4)]
    for ip, ii, rp, ri in scores:
        RiskFactory(
            project=cast.project,
            inherent_probability=ip,
            inherent_impact=ii,
            residual_probability=rp,
            residual_impact=ri,
        )
    RiskFactory(project=cast.project, status="closed", inherent_probability=1, inherent_impact=1)
    RiskFactory(project=cast.other_project, inherent_probability=3, inherent_impact=3)

    # when the PM reads WEB's heat map
    response = client_for(cast.pm).get("/api/v1/risks/heat-map/", {"project": "WEB"})

    # then each open risk of WEB is counted in its cell, before and after its response
    assert response.status_code == 200
    body = response.json()
    assert (body["probability_levels"], body["impact_levels"], body["total"]) == (5, 5, 4)
    assert body["bands"] == [
        {"band": "low", "from_score": 1, "to_score": 4},
        {"band": "medium", "from_score": 5, "to_score": 14},
        {"band": "high", "from_score": 15, "to_score": 25},
    ]
    assert counted(body["inherent"]) == {(5, 5): 2, (4, 3): 1, (2, 4): 1}
    assert counted(body["residual"]) == {(3, 2): 2, (1, 1): 1, (2, 4): 1}
    assert [row["probability"] for row in body["inherent"]] == [5, 4, 3, 2, 1]
    assert [c["impact"] for c in body["inherent"][0]["cells"]] == [1, 2, 3, 4, 5]
    assert cell(body["inherent"], 5, 5) == {"probability": 5, "impact": 5, "band": "high", "count": 2}
    assert cell(body["residual"], 3, 2)["band"] == "medium"
    assert cell(body["residual"], 1, 1)["band"] == "low"


def test_the_heat_map_follows_the_filters_and_the_readers_visibility(client_for, cast):
    secret = ProjectFactory(code="SEC", confidential=True, portfolio=cast.portfolio)
    RiskFactory(project=cast.project, category="financial")
    RiskFactory(project=cast.project, category="technical")
    RiskFactory(project=secret, category="financial")

    pm = client_for(cast.pm)
    head = client_for(cast.head)

    assert pm.get("/api/v1/risks/heat-map/").json()["total"] == 2
    assert head.get("/api/v1/risks/heat-map/").json()["total"] == 3
    assert head.get("/api/v1/risks/heat-map/", {"category": "financial"}).json()["total"] == 2
    assert pm.get("/api/v1/risks/heat-map/", {"category": "financial"}).json()["total"] == 1


def test_the_heat_map_follows_the_matrix_size(client_for, cast):
    settings_row = client_for(cast.head).get("/api/v1/raid-settings/").json()["results"][0]
    smaller = client_for(cast.head).patch(
        f"/api/v1/raid-settings/{settings_row['id']}/",
        {"version": settings_row["version"], "probability_levels": 4, "likelihoods": "10, 30, 60, 90"},
        format="json",
    )
    assert smaller.status_code == 200, smaller.json()

    body = client_for(cast.pm).get("/api/v1/risks/heat-map/").json()

    assert (body["probability_levels"], body["impact_levels"]) == (4, 5)
    assert [row["probability"] for row in body["residual"]] == [4, 3, 2, 1]
    assert body["bands"][-1] == {"band": "high", "from_score": 15, "to_score": 20}


def test_if_a_project_slips_the_projects_waiting_on_it_are_listed_nearest_first(client_for, cast):
    # given HR waits on WEB, and APP waits on HR; a closed dependency no longer counts
    app = ProjectFactory(code="APP", name="Citizen app", portfolio=cast.portfolio)
    old = ProjectFactory(code="OLD", name="Old intranet", portfolio=cast.portfolio)
    DependencyFactory(project=cast.other_project, depends_on=cast.project, provider="")
    DependencyFactory(project=app, depends_on=cast.other_project, provider="")
    DependencyFactory(project=old, depends_on=cast.project, provider="", status="closed")

    response = client_for(cast.executive).get("/api/v1/dependencies/affected/", {"project": "WEB"})

    assert response.status_code == 200
    body = response.json()
    assert (body["project"], body["project_name"]) == ("WEB", "Website")
    assert [(row["project"], row["name"], row["distance"]) for row in body["affected"]] == [
        ("HR", "HR system", 1),
        ("APP", "Citizen app", 2),
    ]
    assert body["affected"][0]["project_manager_name"] == cast.other_project.project_manager.name
    assert (
        client_for(cast.pm).get("/api/v1/dependencies/affected/", {"project": "APP"}).json()["affected"] == []
    )


def test_affected_projects_need_a_project_the_reader_may_see(client_for, cast):
    ProjectFactory(code="SEC", confidential=True, portfolio=cast.portfolio)
    client = client_for(cast.pm)

    missing = client.get("/api/v1/dependencies/affected/")
    hidden = client.get("/api/v1/dependencies/affected/", {"project": "SEC"})

    assert missing.status_code == 400
    assert missing.json()["fields"] == {"project": [PROJECT_CODE_REQUIRED]}
    assert hidden.status_code == 404
    assert hidden.json() == {"message": NO_SUCH_PROJECT.format(code="SEC"), "fields": {}}
    assert client_for(cast.head).get("/api/v1/dependencies/affected/", {"project": "sec"}).status_code == 200


def test_a_project_hidden_from_the_reader_is_left_out_of_those_affected(client_for, cast):
    secret = ProjectFactory(code="SEC", confidential=True, portfolio=cast.portfolio)
    DependencyFactory(project=secret, depends_on=cast.project, provider="")

    pm = client_for(cast.pm).get("/api/v1/dependencies/affected/", {"project": "WEB"}).json()
    head = client_for(cast.head).get("/api/v1/dependencies/affected/", {"project": "WEB"}).json()

    assert pm["affected"] == []
    assert [row["project"] for row in head["affected"]] == ["SEC"]
