"""A change request through the pages, as its people click: the PM raises and assesses it, the
sponsor finds it awaiting their decision and approves it, the new baseline shows on the change
and the change on the baseline, and the PM records it implemented."""

import pytest

from pmo.change.choices import Authority, ChangeStatus
from pmo.change.models import ChangeRequest
from pmo.change.tests.views.conftest import client_for
from pmo.core.models import Notification
from pmo.reporting.models import Baseline
from pmo.reporting.tests.views.helpers import doc, text_of

pytestmark = pytest.mark.django_db


def _testid(response, name: str) -> str:
    found = doc(response).xpath(f"//*[@data-testid='{name}']")
    return " ".join(" ".join(found[0].itertext()).split()) if found else ""


def _messages(response) -> list[str]:
    return [" ".join(m.text_content().split()) for m in doc(response).xpath("//div[@class='messages']/div")]


def test_raise_assess_decide_implement(world):
    pm, sponsor = client_for(world.pm), client_for(world.sponsor)

    # Given the PM on their project's change log, with its baseline and tolerances
    log = pm.get("/changes/projects/WEB/")
    assert "Raise a change request" in text_of(log)
    assert _testid(log, "current-baseline").startswith("Version v1")
    assert _testid(log, "allowances") == "Time tolerance 28 days Cost tolerance £25,000"

    # When they raise a time change
    raised = pm.post(
        "/changes/projects/WEB/new/",
        {
            "title": "Add the payments page",
            "change_type": "time",
            "description": "Residents pay their council tax on the site.",
            "reason": "Cabinet decision of 3 November.",
            "issue": "",
        },
        follow=True,
    )
    change = ChangeRequest.objects.get()
    assert raised.redirect_chain == [(f"/changes/{change.pk}/", 302)]
    assert _messages(raised) == [
        f"CR-{change.pk} raised. Assess its impact next: the delegated limits then say who decides it."
    ]
    assert _testid(raised, "change-status") == "Raised"

    # And assess it at 20 days' delay: beyond their limits, within the project's tolerance
    form = pm.get(f"/changes/{change.pk}/assess/")
    assert "Up to 5 days of delay and £5,000 of cost" in _testid(form, "limits")
    assert "within the project's tolerances: 28 days, £25,000" in _testid(form, "limits")
    assessed = pm.post(
        f"/changes/{change.pk}/assess/",
        {
            "impact_days": "20",
            "impact_cost": "0",
            "impact_benefits": "0",
            "impact_scope": "",
            "impact_risks": "Less risk of complaints",
            "options": "A: now. B: next year.",
            "recommendation": "A",
            "version": change.version,
        },
        follow=True,
    )
    assert _messages(assessed) == [
        f"CR-{change.pk} assessed: it needs the approval of the sponsor (beyond the project manager's "
        "limits but within the project's tolerances). They have been told."
    ]
    assert _testid(assessed, "authority").startswith("Sponsor:")
    assert "Decide" not in [a.text_content() for a in doc(assessed).xpath("//a[contains(@class,'btn')]")]

    # Then the sponsor is told and finds it awaiting their decision
    assert Notification.objects.filter(recipient=world.sponsor, url=f"/changes/{change.pk}/").exists()
    awaiting = sponsor.get("/changes/", {"mine": "on"})
    assert [
        r.text_content().strip() for r in doc(awaiting).xpath("//table[@data-testid='changes']/tbody/tr/th")
    ] == [f"CR-{change.pk}"]

    # When the sponsor approves it
    change.refresh_from_db()
    detail = sponsor.get(f"/changes/{change.pk}/")
    assert f"/changes/{change.pk}/decide/" in {a.get("href") for a in doc(detail).xpath("//a")}
    decided = sponsor.post(
        f"/changes/{change.pk}/decide/",
        {"decision": "approve", "decision_notes": "Worth the wait.", "version": change.version},
        follow=True,
    )

    # Then the new baseline version shows on the change, with its link
    baseline = Baseline.objects.get(project=world.project, number=2)
    assert _messages(decided) == [f"CR-{change.pk} approved. Baseline v2 of WEB is now in force."]
    assert _testid(decided, "change-status") == "Approved"
    assert _testid(decided, "decision").startswith("Approved by sponsor")
    assert _testid(decided, "new-baseline").startswith("New baseline: WEB baseline v2 (finish 20 Jul 2027")
    assert baseline.get_absolute_url() in {a.get("href") for a in doc(decided).xpath("//a")}

    # And the baseline page names the change, with a link back
    on_baseline = sponsor.get(baseline.get_absolute_url())
    assert _testid(on_baseline, "made-by-changes") == f"Change request CR-{change.pk}: Add the payments page"
    assert change.get_absolute_url() in {a.get("href") for a in doc(on_baseline).xpath("//a")}

    # And the project's change log shows v2 as current and links the change to it
    log = pm.get("/changes/projects/WEB/")
    assert _testid(log, "current-baseline").startswith("Version v2")
    row = doc(log).xpath("//table[@data-testid='changes']/tbody/tr")[0]
    cells = [" ".join(c.text_content().split()) for c in row.xpath("th|td")]
    assert cells[:7] == [
        f"CR-{change.pk}",
        "Add the payments page",
        "Time",
        "Approved",
        "+20",
        "£0",
        "Sponsor",
    ]
    assert cells[-1] == "v2"

    # When the PM records it implemented
    change.refresh_from_db()
    done = pm.post(
        f"/changes/{change.pk}/implement/",
        {"implementation_notes": "Live on 1 December.", "version": change.version},
        follow=True,
    )

    # Then every step is done, with who did it
    assert _messages(done) == [f"CR-{change.pk} recorded as implemented."]
    steps = _testid(done, "steps")
    assert "Raised (done)" in steps and "Assessed (done)" in steps and "Implemented (done)" in steps
    assert "needs the sponsor" in steps and "sponsor · Approved" in steps
    change.refresh_from_db()
    assert (change.status, change.authority) == (ChangeStatus.IMPLEMENTED, Authority.SPONSOR)


def test_a_change_raised_from_a_request_for_change_issue_is_prefilled_and_linked(world):
    from pmo.raid.choices import IssueType
    from pmo.raid.tests.factories import IssueFactory

    issue = IssueFactory(
        project=world.project,
        issue_type=IssueType.REQUEST_FOR_CHANGE,
        title="Residents ask to pay online",
        description="Forty letters this month.",
    )
    pm = client_for(world.pm)

    form = pm.get("/changes/projects/WEB/new/", {"issue": issue.pk})
    page = doc(form)
    assert page.xpath("//input[@id='id_title']/@value") == ["Residents ask to pay online"]
    assert page.xpath("//textarea[@id='id_description']")[0].text.strip() == "Forty letters this month."
    assert page.xpath("//select[@id='id_issue']/option[@selected]/@value") == [str(issue.pk)]

    pm.post(
        f"/changes/projects/WEB/new/?issue={issue.pk}",
        {
            "title": "Residents ask to pay online",
            "change_type": "scope",
            "description": "Forty letters this month.",
            "reason": "Demand",
            "issue": issue.pk,
        },
    )

    change = ChangeRequest.objects.get()
    assert change.issue == issue
    assert f"{issue.reference} Residents ask to pay online" in text_of(pm.get(change.get_absolute_url()))


def test_a_rejected_change_makes_no_baseline(world):
    from pmo.change.tests.views.steps import assessed

    change = assessed(world)

    response = client_for(world.sponsor).post(
        f"/changes/{change.pk}/decide/",
        {"decision": "reject", "decision_notes": "Not now.", "version": change.version},
        follow=True,
    )

    assert _messages(response) == [f"CR-{change.pk} rejected."]
    assert "not applicable: rejected" in _testid(response, "steps")
    assert Baseline.objects.filter(project=world.project).count() == 1


def test_editing_an_assessed_change_applies_the_limits_again(world):
    from pmo.change.tests.views.steps import RAISE, assessed

    change = assessed(world)
    pm = client_for(world.pm)
    form = pm.get(f"/changes/{change.pk}/edit/")
    assert doc(form).xpath("//input[@id='id_impact_days']/@value") == ["20"]

    saved = pm.post(
        f"/changes/{change.pk}/edit/",
        {
            **RAISE,
            "issue": "",
            "impact_days": "60",
            "impact_cost": "0",
            "impact_benefits": "0",
            "recommendation": "Approve",
            "version": change.version,
        },
        follow=True,
    )

    assert _messages(saved) == [f"CR-{change.pk} saved."]
    assert _testid(saved, "authority") == "Board (recorded by the PMO head): beyond the project's tolerances."
    assert "Decide" not in [
        a.text_content()
        for a in doc(client_for(world.sponsor).get(change.get_absolute_url())).xpath(
            "//a[contains(@class,'btn')]"
        )
    ]


def test_a_raised_change_is_edited_without_its_impact(world):
    from pmo.change.tests.views.steps import raised

    change = raised(world)

    form = client_for(world.sponsor).get(f"/changes/{change.pk}/edit/")

    assert doc(form).xpath("//input[@id='id_title']/@value") == ["Add the payments page"]
    assert not doc(form).xpath("//input[@id='id_impact_days']")
