"""An item's pages: raising, reading, editing, escalating, reviewing, history and deleting, for
the people allowed and refused; the service's objections beside the field; stale versions."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from pmo.portfolio.tests.factories import ProjectFactory
from pmo.raid import services
from pmo.raid.choices import IssueType, Level
from pmo.raid.models import Dependency, Issue, Risk
from pmo.raid.tests.factories import DependencyFactory, IssueFactory, RiskFactory
from pmo.raid.tests.views.helpers import client_for, doc, field_error, text_of

pytestmark = pytest.mark.django_db


def risk_data(**changes):
    data = {
        "title": "Supplier may fold",
        "kind": "threat",
        "category": "commercial",
        "cause": "Thin margins",
        "event": "Supplier goes bust",
        "effect": "No hosting",
        "owner": "",
        "actionee": "",
        "inherent_probability": "4",
        "inherent_impact": "5",
        "residual_probability": "3",
        "residual_impact": "5",
        "proximity": "quarter",
        "response": "reduce",
        "response_plan": "Second supplier",
        "response_cost": "",
        "cost_impact": "100000",
        "due": "",
        "status": "open",
        "closure_note": "",
    }
    return {**data, **changes}


def edit_data(item, **changes):
    """What the edit form posts for ``item`` as it stands, with ``changes`` typed over it."""
    data = {
        name: ("" if getattr(item, name) is None else getattr(item, name))
        for name in (
            "title",
            "kind",
            "category",
            "cause",
            "event",
            "effect",
            "inherent_probability",
            "inherent_impact",
            "residual_probability",
            "residual_impact",
            "proximity",
            "response",
            "response_plan",
            "response_cost",
            "cost_impact",
            "status",
            "closure_note",
        )
    }
    data.update(owner=item.owner_id, actionee=item.actionee_id or "", due="", version=item.version)
    return {**data, **changes}


def test_a_pm_raises_a_risk_in_their_project(cast):
    client = client_for(cast.pm)
    form = client.get("/raid/risks/new/?project=WEB")
    owner = cast.project.project_manager

    response = client.post("/raid/risks/new/?project=WEB", risk_data(owner=owner.pk))

    assert "1 (lowest) to 5 on the PMO's 5 × 5 matrix." in text_of(form)
    risk = Risk.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/raid/risks/{risk.pk}/"
    assert (risk.project, risk.owner, risk.raised_by) == (cast.project, owner, cast.pm)
    shown = client.get(response["Location"])
    page = text_of(shown)
    assert f"RSK-{risk.pk} Supplier may fold raised." in page
    assert "Inherent (before response) 4 of 5 5 of 5 20 high" in page
    assert "Residual (after response) 3 of 5 5 of 5 15 high" in page
    assert "Expected value £40,000" in page
    assert "Not escalated: held in the project register." in page


def test_a_score_beyond_the_matrix_is_refused_beside_its_field(cast):
    client = client_for(cast.pm)

    response = client.post(
        "/raid/risks/new/?project=WEB",
        risk_data(owner=cast.project.project_manager_id, inherent_probability="6"),
    )

    assert response.status_code == 400
    assert field_error(response, "inherent_probability") == (
        "Probability must be a whole number from 1 to 5 on this matrix (got 6)."
    )
    assert "Nothing was saved" in text_of(response)
    assert not Risk.objects.exists()


def test_an_executive_cannot_raise_a_risk(cast):
    response = client_for(cast.executive).get("/raid/risks/new/?project=WEB")

    assert response.status_code == 403
    assert "You do not have permission to add risks to WEB Website." in text_of(response)


def test_a_pm_cannot_edit_another_projects_risk(cast):
    risk = RiskFactory(project=cast.project)
    client = client_for(cast.other_pm)

    shown = client.get(risk.get_absolute_url())
    refused = client.post(f"/raid/risks/{risk.pk}/edit/", edit_data(risk, title="Mine now"))

    assert shown.status_code == 200
    assert not doc(shown).xpath("//a[normalize-space()='Edit']")
    assert refused.status_code == 403
    assert f"You do not have permission to change RSK-{risk.pk}." in text_of(refused)
    risk.refresh_from_db()
    assert risk.title != "Mine now"


def test_editing_with_a_stale_version_saves_nothing_and_says_who_changed_it(cast):
    risk = RiskFactory(project=cast.project)
    stale = edit_data(risk, title="My title")
    services.raid_item_update(
        actor=cast.sponsor, item=risk, fields={"title": "Sponsor's title"}, expected_version=risk.version
    )

    response = client_for(cast.pm).post(f"/raid/risks/{risk.pk}/edit/", stale)

    assert response.status_code == 409
    conflict = " ".join(doc(response).xpath("//*[@data-testid='conflict']")[0].text_content().split())
    assert "was changed by sponsor" in conflict and "Your changes were not saved" in conflict
    risk.refresh_from_db()
    assert risk.title == "Sponsor's title"


def test_a_pm_edits_their_risk_and_that_counts_as_a_review(cast):
    risk = RiskFactory(project=cast.project, residual_probability=1, residual_impact=2)

    response = client_for(cast.pm).post(
        f"/raid/risks/{risk.pk}/edit/", edit_data(risk, residual_probability="5", residual_impact="4")
    )

    assert response.status_code == 302
    risk.refresh_from_db()
    assert (risk.residual_score, risk.last_reviewed_on) == (20, timezone.localdate())


def test_a_dependency_loop_is_refused_naming_the_loop(cast):
    DependencyFactory(project=cast.other_project, depends_on=cast.project, provider="")

    response = client_for(cast.head).post(
        "/raid/dependencies/new/?project=WEB",
        {
            "title": "HR feed",
            "depends_on": cast.other_project.pk,
            "owner": cast.project.project_manager_id,
            "status": "open",
        },
    )

    error = field_error(response, "depends_on")
    assert error in (
        "This would make a loop of dependencies: WEB → HR → WEB. A project cannot wait on itself.",
        "This would make a loop of dependencies: HR → WEB → HR. A project cannot wait on itself.",
    )
    assert Dependency.objects.count() == 1


def test_escalating_needs_a_note(cast):
    risk = RiskFactory(project=cast.project)

    response = client_for(cast.pm).post(
        f"/raid/risks/{risk.pk}/escalate/",
        {"escalated_to": "programme", "escalation_note": " ", "version": 1},
    )

    assert response.status_code == 400
    assert field_error(response, "escalation_note") == "Say why."
    risk.refresh_from_db()
    assert risk.escalated_to == ""


def test_a_project_outside_any_programme_cannot_escalate_to_a_programme(cast):
    risk = RiskFactory(project=cast.other_project)

    response = client_for(cast.other_pm).post(
        f"/raid/risks/{risk.pk}/escalate/",
        {"escalated_to": "programme", "escalation_note": "Big", "version": 1},
    )

    assert field_error(response, "escalated_to") == (
        "HR HR system is not part of a programme: escalate it to the portfolio instead."
    )
    risk.refresh_from_db()
    assert risk.escalated_to == ""


def test_a_pm_escalates_and_the_programme_manager_hands_it_back(cast):
    risk = RiskFactory(project=cast.project)
    form = client_for(cast.pm).get(f"/raid/risks/{risk.pk}/escalate/")

    escalated = client_for(cast.pm).post(
        f"/raid/risks/{risk.pk}/escalate/",
        {"escalated_to": "programme", "escalation_note": "Needs programme funds", "version": 1},
    )
    detail = client_for(cast.programme_manager).get(risk.get_absolute_url())
    handed_back = client_for(cast.programme_manager).post(
        f"/raid/risks/{risk.pk}/deescalate/", {"escalation_note": "Funded", "version": 2}
    )

    options = [o.text for o in doc(form).xpath("//select[@id='id_escalated_to']/option")]
    assert options == ["Programme register", "Portfolio register"]
    assert escalated.status_code == 302
    page = text_of(detail)
    assert "Escalated to the programme register on" in page and "Note: Needs programme funds" in page
    assert doc(detail).xpath("//a[normalize-space()='De-escalate']")
    assert handed_back.status_code == 302
    risk.refresh_from_db()
    assert (risk.escalated_to, risk.escalation_note) == ("", "Funded")


def test_marking_reviewed_today(cast):
    risk = RiskFactory(project=cast.project, raised_on=timezone.localdate() - dt.timedelta(days=90))
    client = client_for(cast.pm)
    before = text_of(client.get(risk.get_absolute_url()))

    response = client.post(f"/raid/risks/{risk.pk}/review/", {"version": risk.version}, follow=True)

    assert "Stale: not reviewed for over 30 days" in before
    assert f"RSK-{risk.pk} marked reviewed today." in text_of(response)
    assert "Stale" not in " ".join(doc(response).xpath("//*[@data-testid='item-state']")[0].itertext())
    risk.refresh_from_db()
    assert risk.last_reviewed_on == timezone.localdate()


def test_reviewing_a_stale_version_is_a_conflict(cast):
    risk = RiskFactory(project=cast.project)
    services.raid_item_update(actor=cast.sponsor, item=risk, fields={"title": "New"}, expected_version=1)

    response = client_for(cast.pm).post(f"/raid/risks/{risk.pk}/review/", {"version": 1}, follow=True)

    assert "was changed by sponsor" in text_of(response)
    risk.refresh_from_db()
    assert risk.version == 2


def test_only_the_pmo_deletes(cast):
    risk = RiskFactory(project=cast.project)

    refused = client_for(cast.pm).get(f"/raid/risks/{risk.pk}/delete/")
    confirm = client_for(cast.officer).get(f"/raid/risks/{risk.pk}/delete/")
    deleted = client_for(cast.officer).post(f"/raid/risks/{risk.pk}/delete/", {"version": 1})

    assert refused.status_code == 403
    assert (
        f"You do not have permission to delete RSK-{risk.pk} (only the PMO deletes RAID items)."
        in text_of(refused)
    )
    assert f"Delete RSK-{risk.pk} {risk.title}?" in text_of(confirm)
    assert deleted.status_code == 302 and deleted["Location"] == "/raid/projects/WEB/?kind=risks"
    assert not Risk.objects.exists()


def test_an_http_delete_on_the_delete_page_is_refused_and_deletes_nothing(cast):
    risk = RiskFactory(project=cast.project)

    response = client_for(cast.officer).delete(f"/raid/risks/{risk.pk}/delete/")

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, POST"
    assert Risk.objects.filter(pk=risk.pk).exists()


def test_the_history_says_who_escalated_and_why(cast):
    risk = RiskFactory(project=cast.project)
    services.raid_item_escalate(
        actor=cast.pm, item=risk, to=Level.PORTFOLIO, note="Too big", expected_version=1
    )

    response = client_for(cast.analyst).get(f"/raid/risks/{risk.pk}/history/")

    rows = doc(response).xpath("//table[contains(@class,'history-table')]/tbody/tr")
    newest = [" ".join(td.text_content().split()) for td in rows[0].xpath("td")]
    assert newest[1] == "pm"
    assert "Escalated to portfolio: Too big" in newest[2]
    assert "Escalation note: — changed to Too big" in newest[3] or "Too big" in newest[3]


def test_a_request_for_change_offers_a_change_request(cast):
    issue = IssueFactory(project=cast.project, issue_type=IssueType.REQUEST_FOR_CHANGE)
    problem = IssueFactory(project=cast.project)

    rfc = client_for(cast.pm).get(issue.get_absolute_url())
    other = client_for(cast.pm).get(problem.get_absolute_url())
    executive = client_for(cast.executive).get(issue.get_absolute_url())

    link = doc(rfc).xpath("//a[normalize-space()='Raise a change request']")
    assert link and link[0].get("href") == f"/changes/projects/WEB/new/?issue={issue.pk}"
    assert not doc(other).xpath("//a[normalize-space()='Raise a change request']")
    assert not doc(executive).xpath("//a[normalize-space()='Raise a change request']")


def test_a_dependency_names_its_provider_and_who_is_affected_if_it_slips(cast):
    dependency = DependencyFactory(project=cast.project, depends_on=cast.other_project, provider="")

    response = client_for(cast.analyst).get(dependency.get_absolute_url())

    assert "WEB waits on HR HR system" in text_of(response)
    link = doc(response).xpath("//a[normalize-space()='Who is affected if HR slips']")
    assert link[0].get("href") == "/raid/dependencies/map/?project=HR"


def test_a_confidential_projects_item_is_hidden_from_others(cast):
    secret = ProjectFactory(code="SEC", confidential=True)
    risk = RiskFactory(project=secret, cost_impact=Decimal(1))

    assert client_for(cast.pm).get(risk.get_absolute_url()).status_code == 404
    assert client_for(cast.analyst).get(risk.get_absolute_url()).status_code == 200


def test_the_programme_manager_raises_an_issue_in_the_programme_register(cast):
    client = client_for(cast.programme_manager)

    response = client.post(
        f"/raid/issues/new/?programme={cast.programme.pk}",
        {
            "title": "Shared budget cut",
            "issue_type": "problem",
            "priority": "high",
            "severity": "major",
            "owner": cast.programme.manager_id,
            "status": "open",
        },
        follow=True,
    )
    refused = client_for(cast.pm).get(f"/raid/issues/new/?programme={cast.programme.pk}")

    issue = Issue.objects.get()
    assert (issue.programme, issue.project) == (cast.programme, None)
    assert f"{issue.reference} Shared budget cut raised." in text_of(response)
    assert "Register Digital (programme)" in text_of(response)
    assert refused.status_code == 403
    assert "You do not have permission to add issues to Digital." in text_of(refused)


def test_a_new_item_needs_its_register(cast):
    response = client_for(cast.head).get("/raid/risks/new/")

    assert response.status_code == 404


def test_a_risk_that_occurred_offers_to_raise_the_issue_it_became_linked_both_ways(cast):
    risk = RiskFactory(
        project=cast.project,
        title="Supplier folds",
        event="The supplier goes into administration.",
        effect="Build stops for three months.",
        owner=cast.project.project_manager,
    )
    client = client_for(cast.pm)
    assert not doc(client.get(risk.get_absolute_url())).xpath("//a[@data-action='raise-issue']")  # open
    services.raid_item_update(
        actor=cast.pm, item=risk, fields={"status": "occurred"}, expected_version=risk.version
    )

    offer = doc(client.get(risk.get_absolute_url())).xpath("//a[@data-action='raise-issue']")[0]
    assert offer.text_content() == "Raise the issue it became"
    form = client.get(offer.get("href"))
    page = doc(form)
    assert page.xpath("//input[@name='title']/@value") == ["Supplier folds"]
    assert page.xpath("//textarea[@name='description']")[0].text_content().strip() == (
        "The supplier goes into administration.\n\nBuild stops for three months."
    )
    shown = " ".join(page.xpath("//*[@data-testid='from-risk']")[0].text_content().split())
    assert (
        shown == f"Raised from the risk {risk.reference} Supplier folds, which occurred: the two are linked."
    )
    data = {
        "title": "Supplier folds",
        "issue_type": IssueType.PROBLEM,
        "description": "In administration since Monday.",
        "priority": "high",
        "severity": "major",
        "owner": cast.project.project_manager.pk,
        "status": "open",
    }

    response = client.post(offer.get("href"), data)

    issue = Issue.objects.get()
    assert response["Location"] == issue.get_absolute_url()
    assert (issue.raised_from, issue.project) == (risk, cast.project)
    linked = doc(client.get(issue.get_absolute_url())).xpath("//*[@data-testid='raised-from']")[0]
    assert (
        " ".join(linked.text_content().split()) == f"the risk {risk.reference} Supplier folds, which occurred"
    )
    assert linked.xpath("a/@href") == [risk.get_absolute_url()]
    risk_page = client.get(risk.get_absolute_url())
    became = doc(risk_page).xpath("//*[@data-testid='issues-raised']")[0]
    assert " ".join(became.text_content().split()) == f"{issue.reference} Supplier folds"
    assert became.xpath("a/@href") == [issue.get_absolute_url()]
    assert not doc(risk_page).xpath("//a[@data-action='raise-issue']")  # raised once
    history = text_of(client.get(f"/raid/issues/{issue.pk}/history/"))
    assert f"Raised from {risk.reference}, which occurred" in history
