"""The smaller holes of the second hardening round: methods, redirects after login, headers on
every kind of answer, the cache shared between instances, the documented proxy configuration."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

ROOT = Path(__file__).resolve().parent.parent
PUBLIC = ["/", "/search/?q=space", "/initiatives.csv", "/initiatives/"]

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", PUBLIC)
def test_public_pages_are_read_with_get_and_head_only(client, url):
    assert client.get(url).status_code == 200
    assert client.head(url).status_code == 200
    for method in ("trace", "post", "put", "delete", "patch"):
        response = getattr(client, method)(url)
        assert response.status_code == 405, method
        assert response["Allow"] == "GET, HEAD, OPTIONS"
    options = client.options(url)
    assert options.status_code == 200
    assert options["Allow"] == "GET, HEAD, OPTIONS"
    assert options.content == b""


def test_after_login_a_refused_next_lands_on_the_admin(client):
    password = "a long password for the test"  # noqa: S105
    get_user_model().objects.create_user("curator", password=password, is_staff=True)
    response = client.post(
        "/admin/login/?next=https://evil.example/", {"username": "curator", "password": password}
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_pages_for_a_logged_in_user_are_private(client):
    user = get_user_model().objects.create_user("curator", is_staff=True)
    assert "private" not in client.get("/").get("Cache-Control", "")
    client.force_login(user)
    assert "private" in client.get("/")["Cache-Control"]
    assert "private" in client.get("/admin/")["Cache-Control"]


def test_the_redirect_to_https_and_a_bad_host_carry_the_framing_and_sniffing_headers(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    redirect = client.get("/initiatives/")
    assert redirect.status_code == 301
    assert redirect["X-Frame-Options"] == "DENY"
    assert redirect["X-Content-Type-Options"] == "nosniff"
    settings.SECURE_SSL_REDIRECT = False
    bad_host = client.get("/", HTTP_HOST="evil.example")
    assert bad_host.status_code == 400
    assert bad_host["X-Frame-Options"] == "DENY"


def environment(**extra):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
    return {**env, "DJANGO_SETTINGS_MODULE": "diplomacy.settings", **extra}


def test_two_instances_with_different_databases_do_not_share_cached_values(tmp_path):
    """One checkout, one cache folder, two databases: neither reads what the other kept."""
    script = (
        "import django, sys; django.setup(); from django.core.cache import cache; "
        "previous = cache.get('figures'); cache.set('figures', sys.argv[1]); print(previous)"
    )

    def run(database):
        env = environment(
            DATABASE_URL=f"sqlite:///{tmp_path / database}", DJANGO_CACHE_DIR=str(tmp_path / "cache")
        )
        result = subprocess.run(
            [sys.executable, "-c", script, database], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    assert run("one.sqlite3") == "None"
    assert run("two.sqlite3") == "None"  # not the first instance's value
    assert run("one.sqlite3") == "one.sqlite3"  # each still reads its own


def test_the_documented_proxy_configuration_passes_the_deploy_check():
    env = environment(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="a-long-secret-key-for-the-deploy-check-" + "x" * 20,
        DJANGO_ALLOWED_HOSTS="atlas.example.org",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_under_make_run_a_path_out_of_the_static_folder_is_not_found(tmp_path):
    """`make run` serves static files through runserver: `/static/../…` is a 404, not a 500."""
    port = free_port()
    env = environment(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)  # noqa: S310 (a local test server)
                break
            except OSError:
                time.sleep(0.1)
        statuses = {}
        for path in ("/static/../manage.py", "/static/%2e%2e/manage.py", "/static/programs/atlas.css"):
            try:
                with urllib.request.urlopen(base + path, timeout=5) as answer:  # noqa: S310
                    statuses[path] = (answer.status, answer.headers.get("X-Frame-Options"))
            except urllib.error.HTTPError as error:
                statuses[path] = (error.code, None)
        assert statuses["/static/../manage.py"][0] == 404
        assert statuses["/static/%2e%2e/manage.py"][0] == 404
        assert statuses["/static/programs/atlas.css"] == (200, "DENY")
    finally:
        server.terminate()
        server.wait(timeout=10)
