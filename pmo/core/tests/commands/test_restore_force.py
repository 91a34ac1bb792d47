"""`pmo restore --force` replaces what the database holds with the backup: a small portfolio is
enough to prove it (the demo's whole restore, every value of every row, is proved once in
test_backup_restore.py; a second restore of the demo would double that test's cost)."""

from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from pmo.core.models import User
from pmo.core.tests.commands.test_backup_restore import snapshot
from pmo.portfolio.models import Project
from pmo.portfolio.tests.factories import ProjectFactory
from pmo.raid.tests.factories import RiskFactory

pytestmark = pytest.mark.django_db


def test_restore_force_replaces_what_the_database_holds(
    tmp_path: Path, make_user: Callable[..., User]
) -> None:
    # Given a small portfolio backed up
    make_user(username="keeper")
    for code in ("WEB", "HR"):
        RiskFactory(project=ProjectFactory(code=code))
    backup = tmp_path / "pmo.json.gz"
    call_command("backup", str(backup), stdout=StringIO())
    before = snapshot()

    # and then more work done: a newcomer, a project, and a project renamed
    make_user(username="newcomer")
    ProjectFactory(code="NEW")
    Project.objects.filter(code="WEB").update(name="Renamed since")

    # When the backup is restored with --force
    call_command("restore", str(backup), "--force", stdout=StringIO())

    # Then the database is the backup again: nothing added since survives, nothing changed stays
    assert snapshot() == before
    assert not User.objects.filter(username="newcomer").exists()
    assert sorted(Project.objects.values_list("code", flat=True)) == ["HR", "WEB"]
