"""The risk register over the API, end to end: raise, read, change, review, escalate and hand
back, history, delete; and every way it refuses (role, bad input, stale version)."""

import pytest

from pmo.core.api import VERSION_REQUIRED
from pmo.raid import services
from pmo.raid.api import NAME_ONE_REGISTER, NOT_A_PERSON, NOTE_REQUIRED
from pmo.raid.models import Risk

pytestmark = pytest.mark.django_db

RISKS = "/api/v1/risks/"


def risk_body(cast, **changes):
    return {
        "project": "WEB",
        "title": "Payment supplier may fail",
        "category": "commercial",
        "cause": "Supplier in administration",
        "event": "Card payments stop",
        "effect": "No online payments",
        "owner": cast.pm.person.pk,
        "actionee": cast.sponsor.person.pk,
        "inherent_probability": 4,
        "inherent_impact": 5,
        "residual_probability": 2,
        "residual_impact": 3,
        "response": "reduce",
        "response_plan": "Second supplier on standby",
        "cost_impact": "10000",
        **changes,
    }


def raise_risk(client, cast, **changes):
    response = client.post(RISKS, risk_body(cast, **changes), format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_a_project_manager_raises_a_risk_and_reads_it_back(client_for, cast):
    client = client_for(cast.pm)

    created = raise_risk(client, cast)

    risk = Risk.objects.get()
    assert created["reference"] == f"RSK-{risk.pk}"
    assert created["url"].endswith(f"/api/v1/risks/{risk.pk}/")
    assert created["web_url"] == f"/raid/risks/{risk.pk}/"
    assert (created["level"], created["shown_at"]) == ("project", "project")
    assert (created["project"], created["project_name"]) == ("WEB", "Website")
    assert (created["programme"], created["portfolio"]) == (None, None)
    assert (created["owner"], created["owner_name"]) == (cast.pm.person.pk, "Pat Manager")
    assert (created["actionee"], created["actionee_name"]) == (cast.sponsor.person.pk, "Sam Sponsor")
    # scored on the 5 × 5 matrix: 4 × 5 = 20 is high; 2 × 3 = 6 is medium; 20 % of £10,000
    assert (created["inherent_score"], created["inherent_band"]) == (20, "high")
    assert (created["residual_score"], created["residual_band"]) == (6, "medium")
    assert created["expected_value"] == "2000.00"
    assert created["status"] == "open"
    assert created["is_open"] is True
    assert created["raised_by"] == cast.pm.pk
    assert created["version"] == 1
    detail = client.get(f"{RISKS}{risk.pk}/")
    assert detail.json() == created
    assert detail["ETag"] == '"1"'


def test_a_risk_is_changed_with_its_version_and_closing_it_stamps_the_day(client_for, cast):
    client = client_for(cast.pm)
    risk = raise_risk(client, cast)

    response = client.patch(
        f"{RISKS}{risk['id']}/",
        {"version": 1, "residual_probability": 1, "status": "closed", "closure_note": "Supplier replaced"},
        format="json",
    )

    assert response.status_code == 200, response.json()
    changed = response.json()
    assert (changed["version"], changed["residual_score"], changed["residual_band"]) == (2, 3, "low")
    assert changed["expected_value"] == "500.00"
    assert (changed["status"], changed["is_open"], changed["closure_note"]) == (
        "closed",
        False,
        "Supplier replaced",
    )
    assert changed["closed_on"] is not None
    assert changed["last_reviewed_on"] == changed["closed_on"]
    assert response["ETag"] == '"2"'


def test_the_register_of_a_risk_does_not_change_through_patch(client_for, cast):
    client = client_for(cast.head)
    risk = raise_risk(client, cast)

    response = client.patch(
        f"{RISKS}{risk['id']}/", {"version": 1, "project": "HR", "title": "Renamed"}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["project"], response.json()["title"]) == ("WEB", "Renamed")


def test_a_change_with_a_stale_version_is_a_conflict_and_saves_nothing(client_for, cast):
    pm, sponsor = client_for(cast.pm), client_for(cast.sponsor)
    risk = raise_risk(pm, cast)
    assert (
        sponsor.patch(
            f"{RISKS}{risk['id']}/", {"version": 1, "title": "Sponsor's"}, format="json"
        ).status_code
        == 200
    )

    response = pm.patch(f"{RISKS}{risk['id']}/", {"title": "Mine"}, format="json", HTTP_IF_MATCH='"1"')

    assert response.status_code == 409
    assert response.json()["current_version"] == 2
    assert "while you were editing (you had version 1, it is now version 2)" in response.json()["message"]
    assert Risk.objects.get().title == "Sponsor's"


def test_a_change_without_a_version_is_refused(client_for, cast):
    client = client_for(cast.pm)
    risk = raise_risk(client, cast)

    response = client.patch(f"{RISKS}{risk['id']}/", {"title": "Mine"}, format="json")

    assert response.status_code == 400
    assert response.json()["fields"] == {"version": [VERSION_REQUIRED]}


def test_a_review_marks_the_risk_reviewed_today_in_its_history(client_for, cast):
    client = client_for(cast.pm)
    risk = raise_risk(client, cast)

    response = client.post(
        f"{RISKS}{risk['id']}/review/", {"version": 1, "note": "Still stands"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["version"] == 2
    assert response.json()["last_reviewed_on"] is not None
    assert response.json()["is_stale"] is False
    history = client.get(f"{RISKS}{risk['id']}/history/").json()
    assert [(entry["kind"], entry["reason"], entry["who"]) for entry in history] == [
        ("changed", "Still stands", str(cast.pm)),
        ("created", None, str(cast.pm)),
    ]


def test_a_risk_escalated_to_the_programme_shows_in_its_register_and_comes_back(client_for, cast):
    pm = client_for(cast.pm)
    risk = raise_risk(pm, cast)
    programme_register = f"{RISKS}?programme={cast.programme.pk}"
    assert pm.get(programme_register).json()["count"] == 0

    escalated = pm.post(
        f"{RISKS}{risk['id']}/escalate/",
        {"to": "programme", "note": "Needs programme funding", "version": 1},
        format="json",
    )

    assert escalated.status_code == 200, escalated.json()
    body = escalated.json()
    assert (body["level"], body["shown_at"], body["escalated_to"]) == ("project", "programme", "programme")
    assert body["escalation_note"] == "Needs programme funding"
    assert [row["reference"] for row in pm.get(programme_register).json()["results"]] == [risk["reference"]]
    assert pm.get(f"{RISKS}?portfolio={cast.portfolio.pk}").json()["count"] == 0
    assert pm.get(f"{RISKS}?escalated_to=programme").json()["count"] == 1
    # the programme manager now keeps it too, and hands it back
    back = client_for(cast.programme_manager).post(
        f"{RISKS}{risk['id']}/deescalate/", {"note": "Funded", "version": 2}, format="json"
    )
    assert back.status_code == 200, back.json()
    assert (back.json()["shown_at"], back.json()["escalated_to"]) == ("project", "")
    assert pm.get(programme_register).json()["count"] == 0
    reasons = [entry["reason"] for entry in pm.get(f"{RISKS}{risk['id']}/history/").json()]
    assert reasons[:2] == [
        "Returned to the project register: Funded",
        "Escalated to programme: Needs programme funding",
    ]


def test_escalation_to_the_portfolio_shows_the_risk_in_the_portfolio_register(client_for, cast):
    pm = client_for(cast.pm)
    risk = raise_risk(pm, cast)

    response = pm.post(
        f"{RISKS}{risk['id']}/escalate/", {"to": "portfolio", "note": "Board must know"}, HTTP_IF_MATCH='"1"'
    )

    assert response.status_code == 200
    portfolio = pm.get(f"{RISKS}?portfolio={cast.portfolio.pk}").json()
    assert [row["reference"] for row in portfolio["results"]] == [risk["reference"]]
    assert pm.get(f"{RISKS}?programme={cast.programme.pk}").json()["count"] == 1


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"to": "programme", "note": " "}, {"note": [NOTE_REQUIRED]}),
        ({"to": "county", "note": "Why"}, {"to": ['"county" is not a valid choice.']}),
        ({"to": "project", "note": "Why"}, {"to": ['"project" is not a valid choice.']}),
    ],
)
def test_an_escalation_needs_a_reason_and_a_higher_level(client_for, cast, body, fields):
    client = client_for(cast.pm)
    risk = raise_risk(client, cast)

    response = client.post(f"{RISKS}{risk['id']}/escalate/", {**body, "version": 1}, format="json")

    assert response.status_code == 400
    assert response.json()["fields"] == fields
    assert Risk.objects.get().escalated_to == ""


def test_escalating_twice_to_the_same_level_or_without_a_programme_is_refused(client_for, cast):
    head = client_for(cast.head)
    risk = raise_risk(head, cast)
    head.post(f"{RISKS}{risk['id']}/escalate/", {"to": "programme", "note": "A", "version": 1}, format="json")
    hr_risk = raise_risk(head, cast, project="HR")

    again = head.post(
        f"{RISKS}{risk['id']}/escalate/", {"to": "programme", "note": "B", "version": 2}, format="json"
    )
    no_programme = head.post(
        f"{RISKS}{hr_risk['id']}/escalate/", {"to": "programme", "note": "C", "version": 1}, format="json"
    )
    not_escalated = head.post(
        f"{RISKS}{hr_risk['id']}/deescalate/", {"note": "D", "version": 1}, format="json"
    )

    assert again.status_code == 400
    assert again.json()["fields"] == {
        "to": [services.NOT_HIGHER.format(item=risk["reference"], level="programme")]
    }
    assert no_programme.status_code == 400
    assert no_programme.json()["fields"] == {"to": [services.NO_PROGRAMME.format(project="HR HR system")]}
    assert not_escalated.status_code == 400
    assert not_escalated.json()["fields"] == {
        "to": [services.NOT_ESCALATED.format(item=hr_risk["reference"])]
    }


def test_only_the_pmo_deletes_a_risk(client_for, cast):
    pm = client_for(cast.pm)
    risk = raise_risk(pm, cast)
    url = f"{RISKS}{risk['id']}/"

    refused = pm.delete(url)
    deleted = client_for(cast.officer).delete(url, HTTP_IF_MATCH='"1"')

    assert refused.status_code == 403
    assert (
        refused.json()["message"]
        == f"You do not have permission to delete {risk['reference']} {risk['title']}."
    )
    assert deleted.status_code == 204
    assert not Risk.objects.exists()
    assert pm.get(url).status_code == 404


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("pm", 201),
        ("sponsor", 201),
        ("officer", 201),
        ("other_pm", 403),
        ("executive", 403),
        ("programme_manager", 403),
    ],
)
def test_who_may_raise_a_risk_in_a_project_register(client_for, cast, role, status):
    response = client_for(cast.by_name(role)).post(RISKS, risk_body(cast), format="json")

    assert response.status_code == status
    if status == 403:
        assert response.json()["message"] == "You do not have permission to add risks to WEB Website."
        assert not Risk.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [("sponsor", 200), ("analyst", 200), ("other_pm", 403), ("executive", 403), ("portfolio_owner", 403)],
)
def test_who_may_change_a_project_risk(client_for, cast, role, status):
    risk = raise_risk(client_for(cast.pm), cast)

    response = client_for(cast.by_name(role)).patch(
        f"{RISKS}{risk['id']}/", {"version": 1, "title": "Changed"}, format="json"
    )

    assert response.status_code == status
    if status == 403:
        assert (
            response.json()["message"]
            == f"You do not have permission to change {risk['reference']} {risk['title']}."
        )
        assert Risk.objects.get().title == risk["title"]


def test_only_those_who_keep_the_register_escalate(client_for, cast):
    risk = raise_risk(client_for(cast.pm), cast)

    response = client_for(cast.other_pm).post(
        f"{RISKS}{risk['id']}/escalate/", {"to": "programme", "note": "Mine now", "version": 1}, format="json"
    )

    assert response.status_code == 403
    assert (
        response.json()["message"]
        == f"You do not have permission to escalate {risk['reference']} {risk['title']}."
    )
    assert Risk.objects.get().escalated_to == ""


def test_the_programme_manager_keeps_the_programme_register(client_for, cast):
    client = client_for(cast.programme_manager)

    response = client.post(RISKS, risk_body(cast, project=None, programme=cast.programme.pk), format="json")

    assert response.status_code == 201, response.json()
    assert (response.json()["level"], response.json()["programme_name"]) == ("programme", "Digital")
    refused = client_for(cast.pm).post(
        RISKS, risk_body(cast, project=None, programme=cast.programme.pk), format="json"
    )
    assert refused.status_code == 403
    assert refused.json()["message"] == "You do not have permission to add risks to Digital."


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("inherent_probability", 6, "Probability must be a whole number from 1 to 5 on this matrix (got 6)."),
        ("inherent_impact", 0, "Impact must be a whole number from 1 to 5 on this matrix (got 0)."),
        ("residual_probability", 9, "Probability must be a whole number from 1 to 5 on this matrix (got 9)."),
        ("residual_impact", 7, "Impact must be a whole number from 1 to 5 on this matrix (got 7)."),
    ],
)
def test_a_score_outside_the_matrix_is_refused_naming_the_field_and_the_range(
    client_for, cast, field, value, message
):
    response = client_for(cast.pm).post(RISKS, risk_body(cast, **{field: value}), format="json")

    assert response.status_code == 400
    assert response.json() == {"message": f"{field}: {message}", "fields": {field: [message]}}
    assert not Risk.objects.exists()


def test_a_score_outside_the_matrix_is_refused_on_a_change_too(client_for, cast):
    client = client_for(cast.pm)
    risk = raise_risk(client, cast)

    response = client.patch(f"{RISKS}{risk['id']}/", {"version": 1, "residual_impact": 6}, format="json")

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "residual_impact": ["Impact must be a whole number from 1 to 5 on this matrix (got 6)."]
    }
    assert Risk.objects.get().residual_impact == 3


@pytest.mark.parametrize("field", ["owner", "actionee"])
def test_an_owner_who_is_not_a_person_is_refused(client_for, cast, field):
    response = client_for(cast.pm).post(RISKS, risk_body(cast, **{field: 987654}), format="json")

    assert response.status_code == 400
    message = NOT_A_PERSON.replace("{role}", field).format(pk_value=987654)
    assert response.json()["fields"] == {field: [message]}
    assert f"the {field} must be a person in the system" in message
    assert not Risk.objects.exists()


def test_an_owner_given_by_name_is_refused(client_for, cast):
    response = client_for(cast.pm).post(RISKS, risk_body(cast, owner="Pat Manager"), format="json")

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "owner": ["Give the owner as a person's id (a whole number), not str."]
    }


def test_a_risk_names_a_register(client_for, cast):
    response = client_for(cast.head).post(RISKS, risk_body(cast, project=None), format="json")

    assert response.status_code == 400
    assert response.json()["fields"] == {"project": [NAME_ONE_REGISTER]}


def test_a_risk_names_only_one_register(client_for, cast):
    body = risk_body(cast, programme=cast.programme.pk, portfolio=cast.portfolio.pk)

    response = client_for(cast.head).post(RISKS, body, format="json")

    assert response.status_code == 400
    named = ("project", "programme", "portfolio")
    assert response.json()["fields"] == {key: [NAME_ONE_REGISTER] for key in named}
    assert not Risk.objects.exists()


def test_a_response_that_does_not_fit_the_kind_of_risk_is_refused(client_for, cast):
    response = client_for(cast.pm).post(
        RISKS, risk_body(cast, kind="opportunity", response="avoid"), format="json"
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "response": ["Avoid is not a response to an opportunity: use one of enhance, exploit, reject, share."]
    }


def test_an_unknown_project_code_is_refused(client_for, cast):
    response = client_for(cast.pm).post(RISKS, risk_body(cast, project="NOPE"), format="json")

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["project"]
