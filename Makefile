# Portfolio Office — the two commands: `make run` and `make test`.
VENV    := .venv
BIN     := $(VENV)/bin
PYTHON  ?= python3
HOST    ?= 127.0.0.1
PORT    ?= 8000
export HOST PORT

.PHONY: install run test lint bench clean

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

install: $(BIN)/.installed

## make run: install, migrate, load the demo portfolio into an empty database, serve on HOST:PORT.
run: install
	$(BIN)/pmo migrate --noinput -v0
	$(BIN)/pmo collectstatic --noinput -v0
	$(BIN)/pmo demo --if-empty
	$(BIN)/pmo run --host $(HOST) --port $(PORT)

## make test: every check and every test (the browser tests need Debian's chromium).
test: install lint
	DJANGO_ENV=test $(BIN)/pmo makemigrations --check --dry-run -v1
	DJANGO_ENV=test $(BIN)/pytest -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

## make bench: speed figures (medians, query counts) on generated data.
bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var/static
