"""Plans are read-only in the admin: listed, opened, never added or saved there."""

import pytest

from pmo.core.choices import Role
from pmo.schedule import services
from pmo.schedule.tests.plans import office_move_xml

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-12-04")]


def test_plans_are_read_only_in_the_admin(client, make_user, pm, project):
    plan = services.plan_import(actor=pm, project=project, data=office_move_xml(), filename="move.xml")
    client.force_login(make_user(Role.PMO_OFFICER, username="officer", is_staff=True))

    listed = client.get("/admin/schedule/plan/")
    page = client.get(f"/admin/schedule/plan/{plan.pk}/change/").content.decode()

    assert [str(p) for p in listed.context["cl"].result_list] == ["WEB plan"]
    assert "move.xml" in page and "Save" not in page
    assert client.get("/admin/schedule/plan/add/").status_code == 403


def test_schedule_risk_runs_are_read_only_in_the_admin_with_their_key_milestones(
    client, make_user, pm, project
):
    plan = services.plan_import(actor=pm, project=project, data=office_move_xml(), filename="move.xml")
    services.key_milestones_set(actor=pm, plan=plan, keys={6: True})  # Move in
    run = services.schedule_run_create(actor=pm, plan=plan, iterations=200, seed=3)
    client.force_login(make_user(Role.PMO_OFFICER, username="officer", is_staff=True))

    listed = client.get("/admin/schedule/schedulerun/")
    page = client.get(f"/admin/schedule/schedulerun/{run.pk}/change/").content.decode()

    assert [str(r) for r in listed.context["cl"].result_list] == [str(run)]
    assert "Save" not in page and ">3<" in page.replace(" ", "")  # the seed, to repeat the run
    assert run.milestones.exists() and all(m.name in page for m in run.milestones.all())
    assert client.post(f"/admin/schedule/schedulerun/{run.pk}/delete/").status_code == 403
