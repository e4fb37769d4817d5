# Track II Atlas. `make run` sets everything up and serves; `make test` runs the whole suite.
# DATABASE_URL selects the database (default: SQLite file db.sqlite3); PORT the port (default 8000).

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
ARTICLE ?= ../shared/article.txt

.PHONY: run test install migrate load check-data lint

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
