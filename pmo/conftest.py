"""Fixtures shared by every app's tests: the date they run on, users in each role, and Chromium
for browser tests."""

import datetime as dt
import gc
import os
import pickle
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import hypothesis
import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from pytest_django.plugin import blocking_manager_key

from pmo.core.choices import Role
from pmo.core.models import User
from pmo.core.tests.demo_database import demo, demo_database, fingerprint, templates_directory
from pmo.core.tests.migrated_database import (
    MigratedTemplate,
    described,
    migrated_from_template,
    write_migration_data,
)
from pmo.core.tests.module_data import is_transactional, module_data, shared_records
from pmo.portfolio.tests.visibility import Cast, make_cast

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


MIXED_MODULE = (
    "{path} mixes transactional tests ({transactional}) with others: move them to a module of their "
    "own. The tests run a module at a time on a worker (pytest-xdist --dist loadfile), and a "
    "transactional test empties the database, migration data included, for the tests after it."
)


def pytest_configure(config: pytest.Config) -> None:
    """The garbage collector runs less often: a test makes and drops many thousands of objects
    (models, querysets, requests), and Python's default (a collection every 700 allocations) spent
    about a tenth of the tests' CPU looking for cycles (docs/adr/0057)."""
    gc.set_threshold(50_000, 50, 100)


def pytest_collection_finish(session: pytest.Session) -> None:
    """What is loaded by now (modules, the app registry, the collected tests) lives to the end:
    the collector need not look through it again."""
    gc.collect()
    gc.freeze()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the tests in the order ``_run_order`` gives (pytest's grouping of session-scoped
    parameters, the browser name, would otherwise mix the modules). A module holds transactional
    tests or others, never both (``MIXED_MODULE`` says why)."""
    kinds: dict[Path, set[bool]] = {}
    for item in items:
        kinds.setdefault(item.path, set()).add(is_transactional(item))
    for path, found in kinds.items():
        if len(found) > 1:
            transactional = ", ".join(i.name for i in items if i.path == path and is_transactional(i))
            raise pytest.UsageError(MIXED_MODULE.format(path=path, transactional=transactional))
    items.sort(key=_run_order(items))


def _uses_the_demo(item: pytest.Item) -> bool:
    return "demo_database" in getattr(item, "fixturenames", ())


def _run_order(items: list[pytest.Item]) -> Callable[[pytest.Item], int]:
    """The long modules marked ``first`` (one of them reading the demo, its worker builds the
    run's demo template while the other workers run modules that do not need it), then the
    modules that do not read the demo, then those that do (the template is ready by then: nobody
    waits for it), the other transactional ones last: the last module a worker takes should be
    a short one, or the other worker waits idle. A non-transactional test after a transactional
    one finds the database as the run built it (``pytest_runtest_setup`` below)."""
    first = {item.path for item in items if item.get_closest_marker("first")}
    if not any(_uses_the_demo(item) for item in items if item.path in first):
        first |= {next((item.path for item in items if _uses_the_demo(item)), None)} - {None}

    def order(item: pytest.Item) -> int:
        if item.path in first:
            return 0
        if is_transactional(item):
            return 3
        return 2 if _uses_the_demo(item) else 1

    return order


_EMPTIED = {"database": False}
"""Whether a transactional test has run in this process since its database was last built."""


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """A transactional test empties the database when it ends, what the data migrations wrote
    included (``_migration_data_in_transactional_tests`` puts that back for the next one). A
    test after it that is not transactional gets the database back as the run built it, the
    template copied in again (the ids' counters too), before any of its fixtures."""
    if is_transactional(item):
        _EMPTIED["database"] = True
        return
    if _EMPTIED["database"]:
        with item.config.stash[blocking_manager_key].unblock():
            MigratedTemplate(templates_directory(), fingerprint()).copy_in()
        _EMPTIED["database"] = False


TESTS_RUN_AT = "2026-12-04 10:00"
"""The moment, in the site's time zone, at which every test runs unless it says otherwise."""
TESTS_SET_UP_AT = "2025-01-01 09:00"
"""When the run starts, its clock running from there: the test databases are made and migrated
(the history their data migrations write is dated then) before any test's date."""


def frozen_moment(raw: str) -> dt.datetime:
    """``"2027-03-01"`` (10:00 that day) or ``"2027-03-01 23:30"``, in the site's time zone."""
    text = raw if " " in raw.strip() or "T" in raw else f"{raw} 10:00"
    return dt.datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(settings.TIME_ZONE))


@pytest.fixture(scope="session", autouse=True)
def _the_run_starts_before_every_test_date() -> Iterator[None]:
    """Session set-up (the test databases, the demo) happens at ``TESTS_SET_UP_AT``, never at the
    machine's date, so what it writes is older than anything a test writes."""
    # Under faketime (.ci/run moves one suite's date) the processes tests start — `pmo run`, its
    # worker, the browser — run on the machine's clock: libfaketime 0.9.10 moves the monotonic
    # clock too but does not intercept sem_clockwait, so a timed wait in Python (Event.wait with a
    # timeout) would last the whole shift. The test processes (pytest-xdist's workers included,
    # started before this runs) keep the moved clock.
    if "faketime" in os.environ.get("LD_PRELOAD", ""):
        preloaded = os.environ["LD_PRELOAD"].split()
        os.environ["LD_PRELOAD"] = " ".join(lib for lib in preloaded if "faketime" not in lib)
    with time_machine.travel(frozen_moment(TESTS_SET_UP_AT), tick=True):
        yield


@pytest.fixture(autouse=True)
def _tests_run_on_a_stated_date(request: pytest.FixtureRequest) -> Iterator[dt.datetime]:
    """Every test runs at ``TESTS_RUN_AT``, or at the moment its ``@pytest.mark.today(...)`` states
    (on the test, its class or its module), never at the machine's real date. The clock stands
    still unless the marker says ``tick=True``; tests that drive a live server (the browser tests)
    start there and let it run, so page loads and timeouts see time pass. Processes a test starts
    (``pmo run``) keep the real clock."""
    marker = request.node.get_closest_marker("today")
    moment = frozen_moment(marker.args[0] if marker and marker.args else TESTS_RUN_AT)
    moves = "live_server" in getattr(request.node, "fixturenames", ())
    tick = bool(marker.kwargs.get("tick", moves)) if marker else moves
    with time_machine.travel(moment, tick=tick):
        yield moment


@pytest.fixture(autouse=True)
def _each_test_starts_with_an_empty_cache() -> None:
    """What one test kept (the portfolio's early warnings, ADR 0032) is not another's: ids and
    frozen times repeat between tests, so a stamp could too."""
    cache.clear()


@pytest.fixture(scope="session")
def django_db_setup(
    request: pytest.FixtureRequest,
    django_test_environment: None,
    django_db_blocker: Any,
    django_db_modify_db_settings: None,
) -> Iterator[None]:
    """The test database, as pytest-django sets it up, but migrated once per code and copied
    into every process after the first (pmo/core/tests/migrated_database.py)."""
    from django.test.utils import setup_databases, teardown_databases

    verbosity = request.config.option.verbose
    with django_db_blocker.unblock(), migrated_from_template(templates_directory(), fingerprint()):
        databases = setup_databases(verbosity=verbosity, interactive=False, serialized_aliases=set())
    yield
    with django_db_blocker.unblock():
        teardown_databases(databases, verbosity=verbosity)


@pytest.fixture(scope="session", autouse=True)
def _postgresql_empties_tables_by_delete() -> Iterator[None]:
    """On PostgreSQL, a transactional test's database is emptied afterwards by ``DELETE`` from
    each table (in one transaction: Django's foreign keys are checked at commit), not Django's
    ``TRUNCATE`` of them all: for a test's few rows it takes a fifth of the time, and it does not
    wait, as ``TRUNCATE``'s exclusive locks do, for a connection the live server left open
    (docs/adr/0057)."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(
        self: DatabaseOperations,
        style: Any,
        tables: list[str],
        *,
        reset_sequences: bool = False,
        allow_cascade: bool = False,
    ) -> list[str]:
        if reset_sequences or allow_cascade:
            return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return [f"DELETE FROM {self.quote_name(table)};" for table in tables]  # noqa: S608 (Django's tables)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "sql_flush", sql_flush)
        yield


# Property tests: no per-example deadline anywhere (a shared 2-core machine running both workers,
# a browser and a database is noisy; a slow example is not a wrong one).
hypothesis.settings.register_profile("pmo", deadline=None)
hypothesis.settings.load_profile("pmo")

# the demo, built once per run (pmo/core/tests/demo_database.py); records a module shares
__all__ = ["demo", "demo_database", "module_data"]


@pytest.fixture(autouse=True)
def _migration_data_in_transactional_tests(request: pytest.FixtureRequest) -> None:
    """A transactional test starts from the database the last one emptied: put back what the
    data migrations made (role groups, lifecycle, reporting defaults), exactly as they make it."""
    if not is_transactional(request.node):
        return
    request.getfixturevalue("transactional_db")
    write_migration_data()


@pytest.fixture
def migrate_to(transactional_db: None) -> Iterator[Callable[[list[tuple[str, str]]], Any]]:
    """Move the test database to the given migrations (``[("reporting", "0005_…")]``), returning
    the models as they stood there; afterwards the database is put back on the latest migrations,
    whatever the test did, so the transactional tests after it find the schema the code expects.

    The first move builds the database from nothing, as an installation of then would have it:
    every app on its last migration that does not need a later one of the targets' (unapplying
    migrations from the latest makes Django render the models' state at each one: 38 s, against
    8 s forwards from nothing).

    Migrated all the way at the end, the database must then be the one every other test runs on,
    the template built from the models (pmo/core/tests/migrated_database.py): the same tables,
    columns and constraints, and the same rows where the template has any."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    moves = 0

    def migrate(targets: list[tuple[str, str]]) -> Any:
        nonlocal moves
        executor = MigrationExecutor(connection)
        if not moves:
            targets = _installed_at(executor.loader.graph, targets)
            _drop_every_table(connection)
            executor = MigrationExecutor(connection)
        moves += 1
        executor.migrate(targets)
        return executor.loader.project_state(targets).apps

    yield migrate
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    if moves:
        _assert_built_as_migrated(described(connection))


BUILT_UNLIKE_MIGRATED = {
    "auth_group_permissions": "the id is a bigint when migrated, an integer when built from the model: "
    "Django's migrations give an auto-created table the project's DEFAULT_AUTO_FIELD, the model "
    "auth's own AutoField (a difference no test can see: it writes far fewer than 2^31 rows)",
}
"""Tables whose schema may differ between the two builds, and why: left out of the comparison."""


def _assert_built_as_migrated(migrated: dict[str, Any]) -> None:
    template = MigratedTemplate(templates_directory(), fingerprint())
    built = pickle.loads(template.description.read_bytes())  # noqa: S301 (written by this run)
    for table in BUILT_UNLIKE_MIGRATED:
        built["schema"].pop(table, None)
        migrated["schema"].pop(table, None)
    differ = [
        f"{table}: migrated {migrated['schema'].get(table)} built {shape}"
        for table, shape in built["schema"].items()
        if migrated["schema"].get(table) != shape
    ]
    differ += [f"{table}: only when migrated" for table in migrated["schema"].keys() - built["schema"].keys()]
    differ += [
        f"{table} rows: migrated {migrated['rows'].get(table)} built {rows}"
        for table, rows in built["rows"].items()
        if migrated["rows"].get(table) != rows
    ]
    assert not differ, "The tests' database, built from the models, is not what migrate makes:\n" + "\n".join(
        differ
    )


def _installed_at(graph: Any, targets: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Each app's last migration an installation at ``targets`` has: none that needs a migration
    after a target in its app."""
    later = {
        child for target in targets for child in graph.node_map[target].children if child.key[0] == target[0]
    }
    after = {node for child in later for node in graph.backwards_plan(child.key)}
    kept = set(graph.nodes) - after
    return [
        node
        for node in sorted(kept)
        if not any(child.key in kept and child.key[0] == node[0] for child in graph.node_map[node].children)
    ]


def _drop_every_table(connection: Any) -> None:
    tables = connection.introspection.table_names()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TABLE {', '.join(map(quote, tables))} CASCADE")
            return
        connection.disable_constraint_checking()
        try:
            for table in tables:
                cursor.execute(f"DROP TABLE {quote(table)}")
        finally:
            connection.enable_constraint_checking()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium, never a downloaded browser."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def _worker_context(browser: Any, browser_context_args: dict[str, Any], live_server: Any) -> Iterator[Any]:
    """One browser context for a test process's tests, kept open with a page on the live server
    so that its renderer process, and the stylesheets and scripts it has read, stay warm."""
    context = browser.new_context(**browser_context_args)
    keeper = context.new_page()
    keeper.goto(f"{live_server.url}/static/core/logo.svg")
    yield context
    context.close()


@pytest.fixture
def context(_worker_context: Any) -> Iterator[Any]:
    """The browser context of a test's ``page``: the process's one context, with no cookies or
    stored data from the test before, and the test's pages closed after it. A new context for
    every test cost Chromium about 0.4 core-seconds more a test (a new renderer process, its
    caches cold: docs/adr/0065). A test that changes the context itself (its permissions, routes,
    headers, offline…) or needs a second signed-in user makes its own: ``browser.new_context()``."""
    keeper = _worker_context.pages[0]
    _worker_context.clear_cookies()
    keeper.evaluate("localStorage.clear()")
    yield _worker_context
    for page in _worker_context.pages[1:]:
        page.close()


def user_maker() -> Callable[..., User]:
    """A maker of users holding the given roles: ``make(Role.PMO_HEAD, username="ann")``; those
    not named are user1, user2…"""
    counter = {"n": 0}

    def make(
        *roles: Role, username: str | None = None, password: str = "pass-Word-123", **extra: Any
    ) -> User:
        counter["n"] += 1
        user = User.objects.create_user(
            username=username or f"user{counter['n']}", password=password, **extra
        )
        user.groups.add(*(Group.objects.get_or_create(name=role.label)[0] for role in roles))
        return user

    return make


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    """Make a user holding the given roles: ``make_user(Role.PMO_HEAD, username="ann")``."""
    return user_maker()


@pytest.fixture
def pmo_head(make_user: Callable[..., User]) -> User:
    return make_user(Role.PMO_HEAD, username="head")


@pytest.fixture(scope="module")
def _visibility_cast_written(module_data: Callable[..., Cast]) -> Cast:
    return module_data(lambda: make_cast(user_maker()))


@pytest.fixture
def visibility_cast(_visibility_cast_written: Cast | None, db: None) -> Cast:
    """A reader in every role and relation to a project, for the visibility property tests
    (written once per module: pmo/core/tests/module_data.py)."""
    return shared_records(_visibility_cast_written, lambda: make_cast(user_maker()))


# Screenshots of the pages the browser tests see, kept where PMO_SCREENSHOT_DIR says, when it says
# (a full-page PNG costs Chromium 0.1-0.5 s, about 90 of them a run and database), and of
# any page failing its accessibility check, under test-results/screenshots.
SCREENSHOTS = Path(os.environ.get("PMO_SCREENSHOT_DIR", "test-results/screenshots"))
SERIOUS = {"serious", "critical"}


@pytest.fixture
def sign_in(live_server: Any, page: Any) -> Callable[[User, str], Any]:
    """Sign ``user`` in through the real login form; returns the Playwright page."""

    def do(user: User, password: str = "pass-Word-123") -> Any:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        return page

    return do


def screenshot(page: Any, name: str, *, anyway: bool = False) -> None:
    """Keep a full-page screenshot of ``page`` as ``name``.png when PMO_SCREENSHOT_DIR is set (or
    ``anyway``)."""
    if anyway or "PMO_SCREENSHOT_DIR" in os.environ:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def assert_accessible(page: Any, name: str) -> None:
    """Run axe-core on the page: no serious or critical violation (a page with one is kept as a
    screenshot)."""
    from axe_playwright_python.sync_playwright import Axe

    # The page as a reader sees it: a click that opens another page returns once that page has
    # started to load, and axe run on half a page finds half-parsed elements (a link whose text
    # had not yet arrived).
    page.wait_for_load_state()
    # Only the violations in full: axe then leaves out each passing rule's list of nodes, which
    # took about 40% of a run on a long page (the rules checked are the same).
    results = Axe().run(page, options={"resultTypes": ["violations"]})
    serious = [v for v in results.response["violations"] if v.get("impact") in SERIOUS]
    screenshot(page, name, anyway=bool(serious))
    assert not serious, f"{name}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in serious
    )
