"""The registers portfolio-wide and a project's, programme's and portfolio's RAID tabs: the
columns each shows, the flags in words, the filters, and what is hidden."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory
from pmo.raid import services
from pmo.raid.choices import Level, RiskCategory, RiskStatus
from pmo.raid.tests.factories import ActionFactory, DependencyFactory, IssueFactory, RiskFactory
from pmo.raid.tests.views.helpers import client_for, doc, references, table_rows, text_of

pytestmark = pytest.mark.django_db


def fresh(**fields):
    """A risk reviewed today, due later: neither stale nor past due."""
    today = timezone.localdate()
    return RiskFactory(last_reviewed_on=today, due=today + dt.timedelta(days=30), **fields)


def test_the_risk_register_shows_scores_with_band_words_and_flags_in_words(cast):
    today = timezone.localdate()
    owner = PersonFactory(name="Rita Owner")
    risk = RiskFactory(
        project=cast.project,
        title="Data centre move",
        owner=owner,
        inherent_probability=5,
        inherent_impact=4,
        residual_probability=2,
        residual_impact=2,
        cost_impact=Decimal(50000),
        response="reduce",
        due=today - dt.timedelta(days=1),
    )
    Risk = type(risk)
    Risk.objects.filter(pk=risk.pk).update(expected_value=Decimal(10000))

    response = client_for(cast.analyst).get("/raid/risks/")

    rows = table_rows(response, "register-table")
    assert rows == [
        [
            f"RSK-{risk.pk}",
            "Data centre move",
            "WEB Website",
            "Rita Owner",
            "20 high",
            "4 low",
            "Within a year",
            "Reduce",
            "£10,000",
            (today - dt.timedelta(days=1)).strftime("%-d %b %Y"),
            "Open Past due Stale",
        ]
    ]
    assert "Risks across the portfolio" in text_of(response)
    assert "1 risk found." in text_of(response)


def test_open_items_by_default_closed_or_all_on_request(cast):
    shown = fresh(project=cast.project, title="Open one")
    closed = fresh(project=cast.project, title="Closed one", status=RiskStatus.CLOSED)
    client = client_for(cast.analyst)

    assert references(client.get("/raid/risks/")) == [shown.reference]
    assert references(client.get("/raid/risks/", {"status": "closed"})) == [closed.reference]
    assert sorted(references(client.get("/raid/risks/", {"status": "all"}))) == sorted(
        [shown.reference, closed.reference]
    )


def test_the_actions_log_filters_by_source_and_other_registers_do_not_offer_it(cast):
    meeting = ActionFactory(project=cast.project, source="meeting", last_reviewed_on=timezone.localdate())
    check = ActionFactory(project=cast.project, source="health_check", last_reviewed_on=timezone.localdate())
    client = client_for(cast.analyst)

    page = client.get("/raid/actions/", {"source": "health_check"})

    assert references(page) == [check.reference]
    assert references(client.get("/raid/actions/", {"source": "meeting"})) == [meeting.reference]
    assert sorted(references(client.get("/raid/actions/", {"source": "nonsense"}))) == sorted(
        [meeting.reference, check.reference]
    )  # an unknown source is ignored
    options = doc(page).xpath("//select[@name='source']/option/text()")
    assert options == ["All sources", "RAID item", "Meeting", "Exception", "Health check", "Other"]
    assert not doc(client.get("/raid/risks/")).xpath("//select[@name='source']")


def test_filters_narrow_the_register(cast):
    today = timezone.localdate()
    web = fresh(project=cast.project, category=RiskCategory.SECURITY, title="Breach of portal")
    hr = fresh(project=cast.other_project, owner=PersonFactory(name="Harriet Ross"), title="Payroll slip")
    old = RiskFactory(project=cast.other_project, last_reviewed_on=today - dt.timedelta(days=60))
    late = fresh(project=cast.other_project)
    type(late).objects.filter(pk=late.pk).update(due=today - dt.timedelta(days=2))
    programme_risk = fresh(programme=cast.programme)
    escalated = fresh(project=cast.project)
    services.raid_item_escalate(
        actor=cast.pm, item=escalated, to=Level.PORTFOLIO, note="Big", expected_version=escalated.version
    )
    client = client_for(cast.analyst)

    def found(**filters):
        return sorted(references(client.get("/raid/risks/", filters)))

    assert found(project="web") == sorted([web.reference, escalated.reference])
    assert found(programme=cast.programme.pk) == sorted(
        [web.reference, programme_risk.reference, escalated.reference]
    )
    assert found(category="security") == [web.reference]
    assert found(owner="harriet") == [hr.reference]
    assert found(q="payroll") == [hr.reference]
    assert found(stale="on") == [old.reference]
    assert found(past_due="on") == [late.reference]
    assert found(escalated="portfolio") == [escalated.reference]
    assert found(portfolio=cast.portfolio.pk) == found()


def test_each_register_has_its_own_columns(cast):
    IssueFactory(project=cast.project, title="Login broken", priority="high", severity="major")
    DependencyFactory(project=cast.project, depends_on=cast.other_project, provider="", title="HR feed")
    ActionFactory(project=cast.project, title="Call supplier", source="meeting")
    client = client_for(cast.analyst)

    issues = doc(client.get("/raid/issues/")).xpath("//table[@data-testid='register-table']/thead//th/text()")
    dependency = table_rows(client.get("/raid/dependencies/"), "register-table")[0]
    action = table_rows(client.get("/raid/actions/"), "register-table")[0]

    assert issues == [
        "Ref",
        "Title",
        "Register",
        "Type",
        "Priority",
        "Severity",
        "Owner",
        "Resolve by",
        "Status",
    ]
    assert dependency[1:4] == ["HR feed", "WEB Website", "HR"]
    assert action[1:5] == ["Call supplier", "WEB Website", action[3], "Meeting"]


def test_a_confidential_projects_items_are_hidden_from_a_non_member(cast):
    secret = ProjectFactory(code="SEC", confidential=True)
    hidden = fresh(project=secret, title="Secret risk")
    seen = fresh(project=cast.project)

    for_pm = client_for(cast.pm).get("/raid/risks/")
    for_pmo = client_for(cast.analyst).get("/raid/risks/")

    assert references(for_pm) == [seen.reference]
    assert hidden.reference in references(for_pmo)
    assert client_for(cast.pm).get("/raid/projects/SEC/").status_code == 404


def test_the_project_raid_tabs_count_each_register_and_the_pm_may_add(cast):
    fresh(project=cast.project)
    fresh(project=cast.project, status=RiskStatus.CLOSED)
    IssueFactory(project=cast.project)
    IssueFactory(project=cast.project)

    for_pm = client_for(cast.pm).get("/raid/projects/WEB/", {"kind": "issues"})
    for_executive = client_for(cast.executive).get("/raid/projects/WEB/")

    tabs = [
        " ".join(a.text_content().split()) for a in doc(for_pm).xpath("//*[@data-testid='register-tabs']//a")
    ]
    assert tabs == [
        "Risks 1 open",
        "Assumptions 0 open",
        "Issues 2 open",
        "Dependencies 0 open",
        "Actions 0 open",
        "Decisions 0 open",
    ]
    current = doc(for_pm).xpath("//*[@data-testid='project-tabs']//a[@aria-current='page']")
    assert [a.text_content() for a in current] == ["RAID"]
    assert (
        doc(for_pm).xpath("//a[normalize-space()='Add issue']")[0].get("href")
        == "/raid/issues/new/?project=WEB"
    )
    assert len(references(for_pm)) == 2
    assert not doc(for_executive).xpath("//a[normalize-space()='Add risk']")


def test_the_programme_register_shows_items_escalated_to_it(cast):
    own = fresh(programme=cast.programme, title="Programme funding")
    escalated = fresh(project=cast.project, title="Supplier may fold")
    fresh(project=cast.project, title="Stays in the project")
    services.raid_item_escalate(
        actor=cast.pm,
        item=escalated,
        to=Level.PROGRAMME,
        note="Needs funds",
        expected_version=escalated.version,
    )

    response = client_for(cast.programme_manager).get(f"/raid/programmes/{cast.programme.pk}/")

    rows = {row[1]: row[2] for row in table_rows(response, "register-table")}
    assert rows == {"Programme funding": "Digital", "Supplier may fold": "escalated from WEB Website"}
    assert "Escalated to programme" in text_of(response)
    assert own.reference in references(response)


def test_the_portfolio_register_shows_items_escalated_to_it(cast):
    escalated = fresh(project=cast.other_project, title="Payroll at risk")
    services.raid_item_escalate(
        actor=cast.other_pm,
        item=escalated,
        to=Level.PORTFOLIO,
        note="Board",
        expected_version=escalated.version,
    )
    fresh(project=cast.other_project, title="Not escalated")

    response = client_for(cast.portfolio_owner).get(f"/raid/portfolios/{cast.portfolio.pk}/")

    assert table_rows(response, "register-table")[0][1:3] == [
        "Payroll at risk",
        "escalated from HR HR system",
    ]
    assert len(references(response)) == 1


def test_an_unknown_register_is_not_found(cast):
    assert client_for(cast.analyst).get("/raid/rumours/").status_code == 404


def test_the_navigation_marks_raid_not_the_project_register(cast):
    expected = {
        "/raid/risks/": ["RAID", "Risks"],
        "/raid/projects/WEB/": ["RAID"],
        "/raid/settings/": ["RAID", "RAID settings"],
    }
    for path, marked in expected.items():
        response = client_for(cast.analyst).get(path)

        nav = doc(response).xpath("//nav[@aria-label='Main']")[0]
        marks = nav.xpath(".//*[self::a or self::button][contains(@class,'active')]")  # menus are buttons
        active = [" ".join(mark.text_content().split()) for mark in marks]
        assert active == marked, path


def test_excel_buttons_export_what_is_shown_and_import_for_those_who_may(cast):
    query = {"category": "security", "stale": "on"}

    for_analyst = client_for(cast.analyst).get("/raid/risks/", query)
    for_executive = client_for(cast.executive).get("/raid/risks/", query)
    project = client_for(cast.pm).get("/raid/projects/WEB/", {"kind": "issues", "status": "all"})

    def buttons(response):
        links = doc(response).xpath("//*[@data-testid='excel-buttons']//a")
        return {a.text_content(): a.get("href") for a in links}

    assert buttons(for_analyst) == {
        "Export to Excel": "/raid/risks/export.xlsx?category=security&stale=on",
        "Excel template": "/raid/risks/template.xlsx",
        "Import risks": "/raid/risks/import/",
    }
    assert buttons(for_executive) == {"Export to Excel": "/raid/risks/export.xlsx?category=security&stale=on"}
    assert buttons(project) == {
        "Export to Excel": "/raid/issues/export.xlsx?register=project%3AWEB&status=all",
        "Excel template": "/raid/issues/template.xlsx",
        "Import issues": "/raid/issues/import/",
    }
    exported = client_for(cast.pm).get(buttons(project)["Export to Excel"])
    assert exported.status_code == 200
    assert exported["Content-Disposition"].startswith('attachment; filename="issues-')


def test_the_register_shows_fifty_a_page(cast):
    for _ in range(51):
        fresh(project=cast.project)

    first = client_for(cast.analyst).get("/raid/risks/")
    second = client_for(cast.analyst).get("/raid/risks/", {"page": 2})

    assert len(references(first)) == 50
    assert "Showing 1–50 of 51" in text_of(first)
    assert len(references(second)) == 1


def test_the_project_programme_and_portfolio_pages_have_a_raid_tab(cast):
    client = client_for(cast.analyst)

    project = client.get(cast.project.get_absolute_url())
    programme = client.get(cast.programme.get_absolute_url())
    portfolio = client.get(cast.portfolio.get_absolute_url())

    def tab(response):
        return (
            doc(response)
            .xpath("//nav[contains(@aria-label,'pages')]//a[normalize-space()='RAID']")[0]
            .get("href")
        )

    assert tab(project) == "/raid/projects/WEB/"
    assert tab(programme) == f"/raid/programmes/{cast.programme.pk}/"
    assert tab(portfolio) == f"/raid/portfolios/{cast.portfolio.pk}/"
