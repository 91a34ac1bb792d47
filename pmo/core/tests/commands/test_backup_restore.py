"""`pmo backup` and `pmo restore`: a backup restored into an empty database gives back the same
records, history included; a database holding data is not overwritten by accident."""

import gzip
import json
from collections.abc import Callable
from datetime import datetime, time
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from pmo.core.management.commands.backup import BACKUP_SUFFIXES, BAD_NAME, EXISTS
from pmo.core.management.commands.restore import NO_FILE, NOT_EMPTY, RESTORE_FAILED
from pmo.core.models import User
from pmo.portfolio.models import Project

pytestmark = pytest.mark.django_db


def snapshot() -> dict[str, object]:
    """What a restore must give back: every project by value, and row counts of every table."""
    project = apps.get_model("portfolio", "Project")
    counts = {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.label not in {"sessions.Session"}
    }
    return {
        "projects": list(
            project.objects.order_by("code").values_list(
                "id",
                "code",
                "name",
                "status",
                "stage__name",
                "sponsor__email",
                "budget",
                "planned_finish",
                "version",
            )
        ),
        "project_history": list(
            project.history.order_by("history_id").values_list(
                "history_id", "id", "history_type", "history_user__username", "history_change_reason"
            )
        ),
        "groups": sorted(User.objects.values_list("username", "groups__name")),
        "counts": counts,
    }


@pytest.fixture(scope="module")
def demo_loaded(demo: None) -> None:
    """The demo portfolio (built once per test run) for the module's tests; each test's own
    changes, restores included, are rolled back by its ``db`` fixture."""


@pytest.fixture(scope="module")
def demo_backup(demo_loaded: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``pmo backup`` of the demo, written once for the module (a backup only reads)."""
    backup = tmp_path_factory.mktemp("backup") / "pmo.json.gz"
    out = StringIO()
    with django_db_blocker.unblock():
        call_command("backup", str(backup), stdout=out)
    assert out.getvalue().startswith(f"Backup written to {backup} (")
    return backup


def every_row() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table but sessions, by primary key. A plain many-to-many table is
    compared by its pairs: a fixture holds the pairs, not the surrogate key of each one."""
    rows: dict[str, list[dict[str, Any]]] = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.label == "sessions.Session":
            continue
        if model._meta.auto_created:
            pairs = [field.attname for field in model._meta.concrete_fields if not field.primary_key]
            rows[model._meta.label] = list(model._base_manager.order_by(*pairs).values(*pairs))
        else:
            rows[model._meta.label] = list(model._base_manager.order_by("pk").values())
    return rows


def _sub_millisecond(rows: dict[str, list[dict[str, Any]]]) -> int:
    return sum(
        1
        for table in rows.values()
        for row in table
        for value in row.values()
        if isinstance(value, datetime | time) and value.microsecond % 1000
    )


def test_backup_then_flush_then_restore_gives_back_every_value_of_every_row_and_the_logins(
    demo_backup: Path,
) -> None:
    # Given the demo portfolio, whose timestamps have sub-millisecond parts, backed up
    before = every_row()
    assert _sub_millisecond(before) > 100
    projects, users = Project.objects.count(), User.objects.count()  # the demo logins and other PMs

    # When the database is emptied and the backup restored
    # (PostgreSQL empties no table while this test's transaction has foreign key checks pending)
    connection.check_constraints()
    call_command("flush", interactive=False, verbosity=0)
    assert not User.objects.exists()
    out = StringIO()
    call_command("restore", str(demo_backup), stdout=out)

    # Then every value of every row is what it was, to the microsecond, and the logins work
    assert out.getvalue().strip() == f"Restored {demo_backup}: {projects} project(s), {users} user(s)."
    after = every_row()
    for label, rows in before.items():
        assert after[label] == rows, label
    assert User.objects.get(username="pm").check_password("demo-pass-2026")
    assert Group.objects.get(name="PMO head").user_set.get().username == "head"


def test_the_backup_is_a_readable_fixture_of_every_app_but_sessions(demo_backup: Path) -> None:
    backup = demo_backup

    with gzip.open(backup, "rt") as stream:
        labels = {row["model"] for row in json.load(stream)}
    assert {"core.user", "auth.group", "portfolio.project", "portfolio.historicalproject"} <= labels
    assert not any(label.startswith("sessions.") for label in labels)
    assert backup.stat().st_mode & 0o777 == 0o600
    assert not list(backup.parent.glob(".partial-*"))


def test_the_default_backup_file_is_dated_under_var_backups(tmp_path: Path) -> None:
    with override_settings(VAR_DIR=tmp_path):
        call_command("backup", stdout=StringIO())

    (written,) = (tmp_path / "backups").iterdir()
    assert written.name.startswith("pmo-") and written.name.endswith(".json.gz")
    assert len(written.name) == len("pmo-YYYYmmdd-HHMMSS.json.gz")


def test_backup_never_overwrites_a_file(tmp_path: Path) -> None:
    existing = tmp_path / "pmo.json"
    existing.write_text("keep me")

    with pytest.raises(CommandError) as error:
        call_command("backup", str(existing), stdout=StringIO())

    assert str(error.value) == EXISTS.format(path=existing)
    assert existing.read_text() == "keep me"


def test_backup_refuses_a_name_it_could_not_restore(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as error:
        call_command("backup", str(tmp_path / "pmo.zip"), stdout=StringIO())

    assert str(error.value) == BAD_NAME.format(suffixes=", ".join(BACKUP_SUFFIXES), name="pmo.zip")


def test_restore_refuses_a_database_holding_data_and_changes_nothing(
    demo_backup: Path, tmp_path: Path, make_user: Callable[..., User]
) -> None:
    # Given a backup of the demo (uncompressed), and then more work done
    backup = tmp_path / "pmo.json"
    with gzip.open(demo_backup, "rb") as compressed:
        backup.write_bytes(compressed.read())
    make_user(username="newcomer")
    before = snapshot()
    users = User.objects.count()

    # When it is restored without --force
    with pytest.raises(CommandError) as error:
        call_command("restore", str(backup), stdout=StringIO())

    # Then it is refused, saying why and what to do, and nothing changed
    projects = len(before["projects"])  # type: ignore[arg-type]
    assert str(error.value) == NOT_EMPTY.format(what=f"{projects} project(s) and {users} user(s)")
    assert snapshot() == before


def test_restore_of_a_missing_file_says_so(tmp_path: Path) -> None:
    missing = tmp_path / "nothing.json.gz"

    with pytest.raises(CommandError) as error:
        call_command("restore", str(missing), stdout=StringIO())

    assert str(error.value) == NO_FILE.format(path=missing)


def test_a_broken_backup_changes_nothing_even_with_force(demo_loaded: None, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('[{"model": "core.user", "pk": 1, "fields": {"username": ')
    before = snapshot()

    with pytest.raises(CommandError) as error:
        call_command("restore", str(broken), "--force", stdout=StringIO())

    assert str(error.value).startswith(RESTORE_FAILED.format(path=broken, error=""))
    assert snapshot() == before
