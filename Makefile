# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1:8000

.PHONY: run test lint bench messages screens

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet ".[dev]"
	touch $(INSTALLED)

# The task worker runs beside the server and stops with it: messages go out
# as in production, from the queue in the database.
run: $(INSTALLED)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT; \
	$(BIN)/python manage.py runserver $(HOST)

test: $(INSTALLED)
	$(BIN)/python -m pytest

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	DEBUG=0 SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
		ALLOWED_HOSTS=qunxian.example.org $(BIN)/python manage.py check --deploy --fail-level WARNING

# SQLite by default; DATABASE_URL=postgres:///qunxian_bench make bench for PostgreSQL.
# BENCH_ARGS="--quick" for a smoke run, "--publish" to update bench/README.md.
bench: $(INSTALLED)
	$(BIN)/python -m bench $(BENCH_ARGS)

messages: $(INSTALLED)
	$(BIN)/python manage.py makemessages --locale zh_Hans --locale en --ignore ".venv/*" --ignore "staticfiles/*"
	$(BIN)/python manage.py compilemessages --ignore ".venv/*"

# Full-page PNGs of every page of the three ends into screens/ (Debian's chromium).
screens: $(INSTALLED)
	$(BIN)/python -m tests.screens $(SCREENS_ARGS)
