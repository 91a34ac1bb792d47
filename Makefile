# Portfolio Office — the two commands: `make run` and `make test`.
VENV    := .venv
BIN     := $(VENV)/bin
PYTHON  ?= python3
HOST    ?= 127.0.0.1
PORT    ?= 8000
export HOST PORT

# The tests run on every core (pytest-xdist); PYTEST_WORKERS=0 runs them in one process; the
# browser tests on BROWSER_WORKERS (as many as the cores: one more measured no faster on an idle
# machine, docs/adr/0026). Each step ends by naming its 15 slowest tests, where a faster suite
# starts looking.
PYTEST_WORKERS ?= auto
BROWSER_WORKERS ?= $(PYTEST_WORKERS)
PYTEST   = DJANGO_ENV=test $(BIN)/pytest -q -n $(1) --dist loadfile --no-loadscope-reorder --durations=15

# Compiled modules are kept (__pycache__, ignored by git) even where the environment says not to
# write them, as the CI machine's does: a test step starts many Python processes (each worker,
# each `pmo` a test starts, each step again), and each would compile the product's modules anew.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: install run test test-unit test-browser lint bench screenshots clean

# The packages are installed by uv (PyPI's `uv`, put in the venv first): a fresh install takes it
# about 15 s where pip took 60-75 s (docs/adr/0054). Where Python has no pip to fetch uv with,
# the venv's own pip (ensurepip) does.
$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv --without-pip $(VENV)
	test -x $(BIN)/uv || $(PYTHON) -m pip --python $(BIN)/python install --quiet uv \
		|| { $(BIN)/python -m ensurepip --default-pip && $(BIN)/python -m pip install --quiet uv; }
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e ".[dev]"
	touch $@

install: $(BIN)/.installed

## make run: install, migrate, load the demo portfolio into an empty database (not with
## DEMO=no: a clean start), serve on HOST:PORT.
run: install
	$(BIN)/pmo migrate --noinput -v0
	$(BIN)/pmo collectstatic --noinput -v0
	@if [ "$(DEMO)" != "no" ]; then $(BIN)/pmo demo --if-empty; fi
	$(BIN)/pmo run --host $(HOST) --port $(PORT)

## make test: every check and every test: lint (migrations included), the unit tests, then the
## browser tests (they need Debian's chromium) as their own step.
test: install lint
	$(call PYTEST,$(PYTEST_WORKERS)) -m "not browser"
	$(call PYTEST,$(BROWSER_WORKERS)) -m browser

## make test-unit / make test-browser: one of the two test steps.
test-unit: install
	$(call PYTEST,$(PYTEST_WORKERS)) -m "not browser"

test-browser: install
	$(call PYTEST,$(BROWSER_WORKERS)) -m browser

## make lint: the static checks, committed migrations included.
lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	DJANGO_ENV=test $(BIN)/pmo makemigrations --check --dry-run -v1

## make bench: speed figures (medians, multiples of a bare-view floor, query counts) on generated data.
bench: install
	$(BIN)/python bench/run.py

## make screenshots: the README's screenshots (docs/screenshots/), taken from a fresh demo in Chromium.
screenshots: install
	$(BIN)/python tools/readme_screenshots.py

clean:
	rm -rf $(VENV) var/static
