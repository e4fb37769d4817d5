"""Production mode: the deploy checklist passes, every response carries the security headers,
cookies are Secure and __Host- prefixed, plain http is redirected; 404 and 500 pages leak nothing.

The settings module is executed again under a production environment, and the values it gives
are applied to the running test settings: the headers tested are the ones production would send.
"""

import os
import runpy
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.template.loader import get_template, render_to_string
from django.test import Client
from django.urls import include, path, reverse

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ROOT / "diplomacy" / "settings.py"
HOST = "atlas.example.org"
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": f"{HOST},testserver",
}
SECURITY_PREFIXES = ("SECURE_", "SESSION_COOKIE_", "CSRF_COOKIE_", "CONTENT_SECURITY_POLICY")
SECURITY_NAMES = {"X_FRAME_OPTIONS", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "SECURE_PROXY_SSL_HEADER"}

pytestmark = pytest.mark.django_db


def settings_under(monkeypatch, **environment):
    """The security settings that diplomacy/settings.py gives under `environment`."""
    for name in list(os.environ):
        if name.startswith("DJANGO_"):
            monkeypatch.delenv(name)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    module = runpy.run_path(str(SETTINGS))
    names = {name for name in module if name.startswith(SECURITY_PREFIXES)} | SECURITY_NAMES
    return {name: module.get(name) for name in names}


@pytest.fixture
def production(settings, monkeypatch):
    for name, value in settings_under(monkeypatch, **PRODUCTION).items():
        setattr(settings, name, value)
    return settings


@pytest.fixture
def development(settings, monkeypatch):
    for name, value in settings_under(
        monkeypatch, DJANGO_DEBUG="1", DJANGO_ALLOWED_HOSTS="testserver"
    ).items():
        setattr(settings, name, value)
    return settings


@pytest.fixture
def superuser(db):
    """The site's owner: every admin page is theirs, the users' own included."""
    return get_user_model().objects.create_superuser("owner", password=secrets.token_urlsafe(16))


def run_manage(*args, **environment):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(environment, DJANGO_SETTINGS_MODULE="diplomacy.settings")
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_the_deploy_checklist_passes_in_production():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_checklist_flags_development_settings():
    """The check above is not vacuous: development settings fail it."""
    result = run_manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "security.W018" in result.stderr  # DEBUG on


# ---------------------------------------------------------------------------------------------
# Headers


def pages(client, superuser):
    """A public page, a missing page, the admin's login (shown and refused) and its inner pages."""
    yield "home", client.get("/", secure=True)
    yield "a list with a search", client.get(reverse("programs:initiative_list") + "?q=dialogue", secure=True)
    yield "the CSV", client.get(reverse("programs:initiative_csv"), secure=True)
    yield "missing page", client.get("/no-such-page/", secure=True)
    yield "admin login", client.get("/admin/login/", secure=True)
    yield "refused login", client.post("/admin/login/", {"username": "x", "password": "y"}, secure=True)
    client.force_login(superuser)
    yield "admin index", client.get("/admin/", secure=True)
    yield "admin change list", client.get("/admin/auth/user/", secure=True)
    yield "admin change form", client.get(f"/admin/auth/user/{superuser.pk}/change/", secure=True)


def test_every_response_carries_the_security_headers(production, superuser):
    hsts = f"max-age={production.SECURE_HSTS_SECONDS}; includeSubDomains; preload"
    assert production.SECURE_HSTS_SECONDS >= 31_536_000
    for name, response in pages(Client(), superuser):
        assert response.status_code < 500, name
        assert response["Strict-Transport-Security"] == hsts, name
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert response["Referrer-Policy"] == "same-origin", name
        assert response["X-Frame-Options"] == "DENY", name
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", name
        policy = response["Content-Security-Policy"]
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, name
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["default-src"] == "'self'", name
        assert directives["script-src"] == "'self'", name
        assert directives["style-src"] == "'self'", name
        assert directives["object-src"] == "'none'", name
        assert directives["frame-ancestors"] == "'none'", name


def test_a_server_error_carries_the_security_headers_too(production, boom_urls):
    response = Client(raise_request_exception=False).get("/boom/", secure=True)
    assert response.status_code == 500
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert "max-age=" in response["Strict-Transport-Security"]


def test_plain_http_is_redirected_to_https(production):
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/admin/login/?next=/admin/"


def test_the_health_probe_is_not_redirected(production):
    assert Client().get("/healthz").status_code != 301


def test_behind_a_proxy_its_https_header_is_trusted_when_configured(settings, monkeypatch):
    for name, value in settings_under(
        monkeypatch, DJANGO_SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto", **PRODUCTION
    ).items():
        setattr(settings, name, value)
    response = Client().get("/", headers={"x-forwarded-proto": "https"})
    assert response.status_code == 200
    assert "max-age=" in response["Strict-Transport-Security"]
    assert Client().get("/", headers={"x-forwarded-proto": "http"}).status_code == 301


def test_the_redirect_can_be_left_to_the_proxy(settings, monkeypatch):
    for name, value in settings_under(monkeypatch, DJANGO_SECURE_SSL_REDIRECT="0", **PRODUCTION).items():
        setattr(settings, name, value)
    assert Client().get("/").status_code == 200  # plain http answered, not redirected
    cookie = Client().get("/admin/login/").cookies["__Host-csrftoken"]
    assert cookie["secure"]  # still HTTPS-only cookies


# ---------------------------------------------------------------------------------------------
# Cookies


def test_production_cookies_are_secure_and_host_prefixed(production, superuser):
    client = Client()
    login_page = client.get("/admin/login/", secure=True)
    csrf = login_page.cookies["__Host-csrftoken"]
    assert csrf["secure"] and csrf["path"] == "/" and not csrf["domain"]
    assert csrf["samesite"] == "Lax"

    client.force_login(superuser)
    response = client.get("/admin/", secure=True)
    assert response.status_code == 200
    assert "__Host-sessionid" in client.cookies
    assert "sessionid" not in client.cookies and "csrftoken" not in client.cookies

    password = secrets.token_urlsafe(16)
    superuser.set_password(password)
    superuser.save()
    fresh = Client()
    fresh.get("/admin/login/", secure=True)
    response = fresh.post(
        "/admin/login/?next=/admin/", {"username": superuser.username, "password": password}, secure=True
    )
    assert response.status_code == 302
    session = response.cookies["__Host-sessionid"]
    assert session["secure"] and session["httponly"] and session["path"] == "/" and not session["domain"]
    assert session["samesite"] == "Lax"


def test_development_over_plain_http_keeps_the_usual_cookie_names(development):
    # Browsers drop __Host- cookies that are not Secure, and plain http cannot set Secure ones.
    assert development.SESSION_COOKIE_NAME == "sessionid"
    assert development.CSRF_COOKIE_NAME == "csrftoken"
    assert not development.SESSION_COOKIE_SECURE and not development.SECURE_SSL_REDIRECT
    assert development.SECURE_HSTS_SECONDS == 0
    response = Client().get("/admin/login/")
    assert response.status_code == 200
    assert not response.cookies["csrftoken"]["secure"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]  # the same policy as production


# ---------------------------------------------------------------------------------------------
# Error pages

SECRET_MARKER = "internal-detail-d41d8cd98f00"


def boom(request):
    raise RuntimeError(f"the database password is {SECRET_MARKER}")


# The site's URLconf plus a view that fails.
urlpatterns = [path("boom/", boom), path("", include("diplomacy.urls"))]


@pytest.fixture
def boom_urls(settings):
    settings.ROOT_URLCONF = __name__


LEAKS = ["Traceback", "SECRET_KEY", "settings", "urlpatterns", "tried", "DEBUG", "diplomacy.urls", "Django"]


def test_a_missing_page_shows_the_site_404_and_leaks_nothing(client, settings):
    assert not settings.DEBUG
    response = client.get("/no-such-page/<script>/")
    assert response.status_code == 404
    assert response.templates[0].name == "404.html"  # the site's page, not Django's
    body = response.content.decode()
    assert "<script>" not in body
    for leak in LEAKS:
        assert leak not in body, leak


def test_a_server_error_shows_the_site_500_and_leaks_nothing(settings, boom_urls):
    assert not settings.DEBUG
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert body == get_template("500.html").render()  # the site's page, not Django's
    assert SECRET_MARKER not in body and "RuntimeError" not in body
    for leak in LEAKS:
        assert leak not in body, leak


def test_the_500_page_needs_no_context_and_no_database(django_assert_num_queries):
    """It must render even when what failed is the database or the URLconf."""
    with django_assert_num_queries(0):
        html = render_to_string("500.html")
    assert "<h1>" in html
    source = (ROOT / "templates" / "500.html").read_text()
    assert "{%" not in source and "{{" not in source
