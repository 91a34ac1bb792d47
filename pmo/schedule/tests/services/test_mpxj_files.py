"""Plans in other formats come in through MPXJ (in a child process, ADR 0043), and what we export
opens in MPXJ as the same plan. MPXJ starts a Java virtual machine (a second or two) for each
file, so these tests are few; without Java they skip, and the tests of what happens without Java
pretend it is missing.

No real ``.mpp`` file can be shipped (none with a licence that allows it was found), so ``.mpp``
reading is proved only through MPXJ's own reader: the tests import the files MPXJ itself writes
(MPX) through the same path an ``.mpp`` takes."""

import json
import subprocess
import sys
from datetime import date, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from pmo.engine import project_files
from pmo.engine.mspdi import read_mspdi
from pmo.schedule import services
from pmo.schedule.demo import plan_file
from pmo.schedule.models import Plan, PlanTask
from pmo.schedule.tests.plans import office_move_xml

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-12-04")]
needs_java = pytest.mark.skipif(not project_files.java_available(), reason="no Java runtime for MPXJ")


def mpxj_convert(*pairs: tuple[Path, Path]) -> None:
    """Each (source, target) converted by MPXJ in one Java virtual machine."""
    command = project_files.child_command(*(str(path) for pair in pairs for path in pair))
    subprocess.run(command, check=True, timeout=120, capture_output=True)


def wall(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@needs_java
def test_the_exported_plan_opens_in_mpxj_as_the_same_plan_and_mpxj_files_import(pm, project, tmp_path):
    """The done-when of issue 11: a demo plan exported to MS Project XML reads in MPXJ with the
    same tasks, dates, links and milestones; MPXJ's own MPX file of it imports (MPX keeps no
    calendar exceptions nor times of day, so its dates are not compared)."""
    data = plan_file("Website", date(2026, 9, 1), date(2027, 6, 30), slip=0.4, today=date(2026, 12, 4))
    plan = services.plan_import(actor=pm, project=project, data=data, filename="website.xml")
    exported = tmp_path / "export.xml"
    exported.write_bytes(services.plan_export(plan=plan))
    described, mpx = tmp_path / "export.json", tmp_path / "plan.mpx"
    mpxj_convert((exported, described), (exported, mpx))

    seen = [t for t in json.loads(described.read_text())["tasks"] if t.get("unique_id") != 0]
    rows = list(PlanTask.objects.filter(plan=plan).order_by("row"))
    assert [t["name"] for t in seen] == [r.name for r in rows]
    assert [(t["start"][:16], t["finish"][:16]) for t in seen] == [
        (wall(r.start), wall(r.finish)) for r in rows
    ]
    assert (
        [t["name"] for t in seen if t.get("milestone")]
        == [r.name for r in rows if r.milestone]
        == [
            "Business case approved",
            "Design signed off",
            "Ready for service",
            "Go live",
        ]
    )
    mpxj_links = sorted(
        (s["predecessor_task_unique_id"], s["successor_task_unique_id"], s["type"])
        for t in seen
        for s in t.get("successors", ())
    )
    assert mpxj_links == sorted(plan.links.values_list("predecessor_uid", "successor_uid", "type"))

    again = services.plan_import(actor=pm, project=project, data=mpx.read_bytes(), filename=mpx.name)
    assert again.source_name == "plan.mpx"
    assert list(PlanTask.objects.filter(plan=again).values_list("name", flat=True)) == [r.name for r in rows]
    assert again.links.count() == len(mpxj_links)


@needs_java
def test_a_file_mpxj_cannot_read_is_refused_and_nothing_is_written(pm, project):
    with pytest.raises(ValidationError) as error:
        services.plan_import(actor=pm, project=project, data=b"not a plan at all", filename="plan.mpp")

    assert error.value.messages == ["plan.mpp: MPXJ does not recognise its format (expected: MS Project)."]
    assert not Plan.objects.exists()


def test_without_java_an_mpp_file_is_refused_saying_so_on_the_page_and_the_command_line(
    pm, project, client, monkeypatch, tmp_path
):
    monkeypatch.setattr(project_files, "java_available", lambda: False)
    from pmo.schedule import views

    monkeypatch.setattr(views, "java_available", lambda: False)
    expected = (
        "MS Project .mpp files need a Java runtime on the server; "
        "save the plan as XML from MS Project instead."
    )
    source = tmp_path / "plan.mpp"
    source.write_bytes(b"\xd0\xcf\x11\xe0 an MS Project file")
    client.force_login(pm)

    page = client.get("/plans/projects/WEB/import/")
    with source.open("rb") as upload:
        posted = client.post("/plans/projects/WEB/import/", {"file": upload})
    with pytest.raises(CommandError) as error:
        call_command("import", "schedule", "WEB", str(source), stdout=StringIO())

    assert expected in page.content.decode()
    assert posted.status_code == 200
    assert f"plan.mpp: {expected}" in posted.content.decode()
    assert str(error.value) == f"plan.mpp: {expected}"
    assert not Plan.objects.exists()
    xml = services.plan_import(actor=pm, project=project, data=office_move_xml(), filename="move.xml")
    assert xml.tasks_count == 6  # MS Project XML needs no Java


def test_a_file_that_takes_too_long_or_is_too_big_is_refused(monkeypatch):
    monkeypatch.setattr(project_files, "java_available", lambda: True)
    monkeypatch.setattr(
        project_files, "child_command", lambda *paths: [sys.executable, "-c", "import time; time.sleep(30)"]
    )

    with pytest.raises(project_files.ProjectFileError) as slow:
        project_files.to_mspdi(b"plan", "plan.gan", timeout=0.5)
    with pytest.raises(project_files.ProjectFileError) as big:
        project_files.to_mspdi(b"x" * 101, "plan.xer", limit=100)

    assert str(slow.value) == "The file took longer than 0.5 seconds to read, so it was refused."
    assert str(big.value) == "The file is 101 bytes; the limit is 100."


def test_what_mpxj_reads_is_checked_as_ms_project_xml(monkeypatch, tmp_path):
    """MPXJ's output goes through the MSPDI reader's checks (here, a link to a missing task)."""
    monkeypatch.setattr(project_files, "java_available", lambda: True)
    broken = office_move_xml().replace(
        b"<PredecessorUID>2</PredecessorUID>", b"<PredecessorUID>77</PredecessorUID>", 1
    )
    script = tmp_path / "fake.py"
    script.write_text(f"import sys, pathlib; pathlib.Path(sys.argv[2]).write_bytes({broken!r})")
    monkeypatch.setattr(project_files, "child_command", lambda *paths: [sys.executable, str(script), *paths])

    with pytest.raises(ValidationError) as error:
        services.plan_read(data=b"plan", filename="plan.planner")

    assert error.value.messages[0].startswith("plan.planner: Task 3 (line")
    assert "predecessor with UID 77, which is not in the file" in error.value.messages[0]
    assert read_mspdi(office_move_xml()).tasks  # the original is fine
