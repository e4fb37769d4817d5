# Track II Atlas. `make run` sets everything up and serves; `make test` runs the whole suite.
# DATABASE_URL selects the database (default: SQLite file db.sqlite3); PORT the port (default 8000).

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
ARTICLE ?= ../shared/article.txt

.PHONY: run test install migrate load check-data lint serve backup restore release

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

load: migrate
	$(PY) manage.py load_article

run: load
	$(PY) manage.py create_local_superuser
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The suite runs in TEST_WORKERS processes (pytest-xdist; default: one per core), each module's
# tests all in one of them (--dist loadfile), so that a module builds its data once. Each worker
# has its own test database (test_<name>_gw0, …). TEST_WORKERS=0 runs it in this process alone.
TEST_WORKERS ?= $(shell nproc)

test: install
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile

check-data: load
	$(PY) manage.py check_data --source-text $(ARTICLE)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The app as in production: gunicorn, DEBUG off, static files collected and served by WhiteNoise,
# persistent database connections. Without DJANGO_SECRET_KEY it makes an ephemeral one for this
# run (sessions end with the process); DJANGO_ALLOWED_HOSTS defaults to the local names.
# WORKERS defaults to gunicorn's advice, 2 per core + 1; BIND to the loopback at PORT. No control
# socket: its default path is per user, and several checkouts may serve on one machine.
WORKERS ?= $(shell echo $$(( 2 * $$(nproc) + 1 )))
BIND    ?= 127.0.0.1:$(PORT)

serve: migrate
	@export DJANGO_DEBUG=0 \
	  DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')}" \
	  DJANGO_ALLOWED_HOSTS="$${DJANGO_ALLOWED_HOSTS:-localhost,127.0.0.1,[::1]}" \
	  DJANGO_CONN_MAX_AGE="$${DJANGO_CONN_MAX_AGE:-600}" && \
	$(PY) manage.py collectstatic --noinput --verbosity 0 && \
	exec $(VENV)/bin/gunicorn diplomacy.wsgi --bind $(BIND) --workers $(WORKERS) --no-control-socket

# Backups of the whole knowledge base (records, history, users, groups, admin log), each ending
# with a manifest that proves it whole: JSON Lines (a name ending in .gz is compressed), or on
# PostgreSQL a pg_dump custom-format file for a name ending in .dump (its manifest beside it,
# .dump.manifest). `make backup` writes backups/atlas-<UTC time>.jsonl unless BACKUP names the
# file. `make restore BACKUP=file` checks the whole file first and refuses one that is not whole,
# then replaces the database's content with it in one transaction (pages answer 503 meanwhile);
# after a .dump, which brings back the schema of its time, migrate brings the schema up to date.
BACKUP ?=

backup: install
	$(PY) manage.py backup $(if $(BACKUP),--output "$(BACKUP)")

restore: migrate
	@test -n "$(BACKUP)" || { echo "Usage: make restore BACKUP=path/to/backup.jsonl" >&2; exit 2; }
	$(PY) manage.py restore --noinput "$(BACKUP)"
	$(PY) manage.py migrate --noinput

# A data release of the published knowledge base: releases/<name>/ (ATLAS_RELEASES_DIR), a
# Frictionless Data Package checked by the frictionless validator. RELEASE names it (default: the
# date of the data's last change); the same data give the same bytes.
RELEASE ?=

release: migrate
	$(PY) manage.py release $(if $(RELEASE),--name "$(RELEASE)")
