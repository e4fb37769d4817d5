"""Serving as `make serve` does: a liveness view, static files through WhiteNoise, cached templates."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.template import engines
from django.template.loaders.cached import Loader as CachedLoader
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


def test_templates_go_through_the_cached_loader():
    loaders = engines["django"].engine.template_loaders
    assert [type(loader) for loader in loaders] == [CachedLoader]


def production(code):
    """Run `code` with the production settings `make serve` uses; return what it prints."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.update(
        DJANGO_SETTINGS_MODULE="diplomacy.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="x" * 50,
        DJANGO_ALLOWED_HOSTS="atlas.example.org",
        DJANGO_CONN_MAX_AGE="600",
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


def test_production_serves_hashed_compressed_static_files_and_keeps_connections():
    backend, middleware, conn_max_age, loader = production(
        "from django.conf import settings\n"
        "from django.template import engines\n"
        "print(settings.STORAGES['staticfiles']['BACKEND'])\n"
        "print(','.join(m.rsplit('.', 1)[-1] for m in settings.MIDDLEWARE))\n"
        "print(settings.DATABASES['default']['CONN_MAX_AGE'])\n"
        "print(type(engines['django'].engine.template_loaders[0]).__module__)\n"
    )
    assert backend == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    # Static files are answered before any middleware that would do work for them (sessions…).
    order = middleware.split(",")
    assert order.index("WhiteNoiseMiddleware") < order.index("SessionMiddleware")
    assert order.index("SecurityMiddleware") < order.index("WhiteNoiseMiddleware")
    assert conn_max_age == "600"
    assert loader == "django.template.loaders.cached"


@pytest.mark.django_db
def test_collected_static_files_are_served_with_far_future_caching(client, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    url = static("admin/css/base.css")
    assert url != "/static/admin/css/base.css"  # the name carries a hash of the content
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert "immutable" in response["Cache-Control"]
    assert response["Content-Encoding"] == "gzip"
