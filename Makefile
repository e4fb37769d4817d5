# Track II Atlas. `make run` sets everything up and serves; `make test` runs the whole suite.
# DATABASE_URL selects the database (default: SQLite file db.sqlite3); PORT the port (default 8000).

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
ARTICLE ?= ../shared/article.txt

.PHONY: run test install migrate load check-data lint backup restore

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

test: install
	$(PY) -m pytest

check-data: load
	$(PY) manage.py check_data --source-text $(ARTICLE)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Backups of the whole knowledge base (records, history, users, groups, admin log) as JSON Lines;
# a name ending in .gz is compressed. `make backup` writes backups/atlas-<UTC time>.jsonl unless
# BACKUP names the file; `make restore BACKUP=file` replaces the database's content with it, in one
# transaction (a file that does not load leaves the database as it was).
BACKUP ?=

backup: install
	$(PY) manage.py backup $(if $(BACKUP),--output "$(BACKUP)")

restore: migrate
	@test -n "$(BACKUP)" || { echo "Usage: make restore BACKUP=path/to/backup.jsonl" >&2; exit 2; }
	$(PY) manage.py restore --noinput "$(BACKUP)"
