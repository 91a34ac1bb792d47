"""On the command line a project's plan comes in from MS Project XML and goes back out:
``pmo import schedule PROJECT FILE.xml`` (checked first with --dry-run) and ``pmo export schedule
PROJECT FILE.xml``; a wrong project, file or plan is refused saying so, and nothing changes."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from pmo.engine.mspdi import read_mspdi
from pmo.schedule.models import Plan
from pmo.schedule.tests.plans import office_move_xml

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-12-04")]


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip()


def test_a_plan_is_checked_imported_and_exported_back(project, pm, tmp_path):
    source = tmp_path / "move.xml"
    source.write_bytes(office_move_xml())

    checked = run("import", "schedule", "WEB", str(source), "--dry-run")
    assert checked == "move.xml reads and schedules: 6 tasks, finishing 14 Jan 2027; nothing imported."
    assert not Plan.objects.exists()

    assert run("import", "schedule", "WEB", str(source), "--user", "pm") == (
        "Imported from move.xml: 6 tasks, finishing 14 Jan 2027."
    )
    assert Plan.objects.get().imported_by == pm

    out = tmp_path / "back.xml"
    assert run("export", "schedule", "WEB", str(out), "--all") == f"Wrote the schedule of WEB to {out}."
    assert [t.task.name for t in read_mspdi(out.read_bytes()).tasks][1:3] == ["Survey", "Design"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("import", "schedule", "NOPE", "{file}"), "No project has the code 'NOPE', or you may not see it."),
        (("import", "schedule", "{file}"), "`pmo import schedule` takes the project's code, then the file"),
        (("import", "schedule", "WEB", "{broken}"), "broken.xml: The file is not well-formed XML"),
        (("export", "schedule", "WEB", "{out}", "--all"), "WEB has no plan to export."),
    ],
)
def test_what_cannot_be_done_is_refused_saying_why(project, tmp_path, args, message):
    source, broken = tmp_path / "move.xml", tmp_path / "broken.xml"
    source.write_bytes(office_move_xml())
    broken.write_bytes(b"<Project><Tasks>")
    names = {"file": str(source), "broken": str(broken), "out": str(tmp_path / "out.xml")}

    with pytest.raises(CommandError) as error:
        run(*(a.format(**names) for a in args))

    assert str(error.value).startswith(message)
    assert not Plan.objects.exists()
