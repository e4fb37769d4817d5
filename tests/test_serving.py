"""Serving as `make serve` does: a liveness view, static files through WhiteNoise, cached templates."""

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.template.loaders.filesystem import Loader as FilesystemLoader
from django.templatetags.static import static
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_healthz_answers_a_constant_without_a_query_or_a_cookie(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies
    assert client.head(reverse("healthz")).status_code == 200
    assert client.post(reverse("healthz")).status_code == 405


def test_healthz_answers_even_where_the_database_may_not_be_reached(client):
    # Without the django_db mark, any use of the database here raises.
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_a_template_is_read_from_its_file_once(client, monkeypatch):
    reads = []
    read = FilesystemLoader.get_contents  # the app folders' loader too

    def counted(self, origin):
        reads.append(origin.name)
        return read(self, origin)

    monkeypatch.setattr(FilesystemLoader, "get_contents", counted)
    client.get("/admin/login/")  # its templates read, unless an earlier test drew them
    reads.clear()
    # The login page is never from the page cache: its templates are drawn again, from memory.
    response = client.get("/admin/login/")
    assert response.status_code == 200 and 'name="password"' in response.text
    assert reads == []


PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "x" * 50,
    "DJANGO_ALLOWED_HOSTS": "atlas.example.org,testserver",
    "DJANGO_CONN_MAX_AGE": "600",
}


def production(code, tmp_path):
    """Run `code` with the production settings `make serve` uses (on an SQLite file of its own);
    return what it prints."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.update(
        PRODUCTION,
        DJANGO_SETTINGS_MODULE="diplomacy.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.split()


def test_production_keeps_its_database_connection_from_one_request_to_the_next(tmp_path):
    [kept] = production(
        "from django.core.signals import request_finished, request_started\n"
        "from django.db import connection\n"
        "request_started.send(None)\n"
        "connection.ensure_connection()\n"
        "opened = connection.connection\n"
        "request_finished.send(None)\n"
        "request_started.send(None)\n"
        "connection.ensure_connection()\n"
        "print(connection.connection is opened)\n",
        tmp_path,
    )
    assert kept == "True"


@pytest.mark.django_db
def test_production_serves_collected_static_files_hashed_compressed_and_cached_for_ever(
    client, settings, tmp_path, monkeypatch
):
    for name in [name for name in os.environ if name.startswith("DJANGO_")]:
        monkeypatch.delenv(name)
    for name, value in PRODUCTION.items():
        monkeypatch.setenv(name, value)
    production_settings = runpy.run_path(str(ROOT / "diplomacy" / "settings.py"))
    settings.STORAGES = production_settings["STORAGES"]
    settings.MIDDLEWARE = production_settings["MIDDLEWARE"]
    settings.STATIC_ROOT = tmp_path
    call_command("collectstatic", interactive=False, verbosity=0)
    url = static("admin/css/base.css")
    assert url != "/static/admin/css/base.css"  # the name carries a hash of the content
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert "immutable" in response["Cache-Control"]
    assert response["Content-Encoding"] == "gzip"
    # Answered after the security headers, before the middleware of pages (their policy).
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" not in response
