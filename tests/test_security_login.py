"""Logging in to the admin: failed tries throttled per account and per address with a cool-off,
no "admin" account by default, the session rotated at login and ended at logout."""

import io
import re
import secrets
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.db.models import F
from django.test import Client

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
User = get_user_model()


@pytest.fixture
def password():
    return secrets.token_urlsafe(16)


@pytest.fixture
def curator(password):
    return User.objects.create_user("curator", password=password, is_staff=True)


def attempt(username, password, address="203.0.113.7"):
    """One login through the admin's form, from `address`; the response."""
    client = Client(REMOTE_ADDR=address)
    return client.post(LOGIN, {"username": username, "password": password})


def logged_in(response):
    return response.status_code == 302 and response["Location"] == "/admin/"


def test_the_limit_is_a_few_tries_and_the_cool_off_a_while():
    assert 3 <= settings.AXES_FAILURE_LIMIT <= 10
    assert timedelta(minutes=5) <= settings.AXES_COOLOFF_TIME
    assert settings.AUTHENTICATION_BACKENDS[0] == "diplomacy.security.LoginThrottleBackend"


def test_the_right_password_logs_in(curator, password):
    assert logged_in(attempt("curator", password))


def test_failed_tries_on_one_account_lock_it_whatever_the_address(curator, password):
    for n in range(settings.AXES_FAILURE_LIMIT):
        response = attempt("curator", f"wrong-{n}", address=f"198.51.100.{n + 1}")
        assert response.status_code in (200, 429)
    # From yet another address, even the right password is refused now.
    response = attempt("curator", password, address="192.0.2.200")
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    # Another account is not affected.
    User.objects.create_user("other", password=password, is_staff=True)
    assert logged_in(attempt("other", password, address="192.0.2.201"))


def test_failed_tries_from_one_address_lock_it_whatever_the_account(curator, password):
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(f"guess-{n}", "wrong", address="198.51.100.99")
    assert attempt("curator", password, address="198.51.100.99").status_code == 429
    # The same account from another address is not affected.
    assert logged_in(attempt("curator", password, address="198.51.100.100"))


def test_fewer_failures_than_the_limit_lock_nothing(curator, password):
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt("curator", f"wrong-{n}")
    assert logged_in(attempt("curator", password))


def test_a_success_clears_the_count(curator, password):
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt("curator", f"wrong-{n}")
    assert logged_in(attempt("curator", password))
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt("curator", f"wrong-again-{n}")
    assert logged_in(attempt("curator", password))


def test_the_lock_lifts_after_the_cool_off(curator, password):
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt("curator", f"wrong-{n}")
    assert attempt("curator", password).status_code == 429
    # Let the cool-off pass: move every recorded failure back in time.
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME)
    assert logged_in(attempt("curator", password))


def test_the_test_client_login_still_works(curator, password):
    """Client.login() passes no request: the throttle leaves it to the password check."""
    client = Client()
    assert client.login(username="curator", password=password)
    assert not client.login(username="curator", password="wrong")


# ---------------------------------------------------------------------------------------------
# The session


def test_the_session_key_changes_at_login(curator, password):
    client = Client()
    session = client.session
    session["before_login"] = True
    session.save()
    before = session.session_key
    assert client.cookies[settings.SESSION_COOKIE_NAME].value == before

    assert logged_in(client.post(LOGIN, {"username": "curator", "password": password}))
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not SessionStore().exists(before)
    assert SessionStore(session_key=after).get("_auth_user_id") == str(curator.pk)


def test_logout_ends_the_session(curator, password):
    client = Client()
    assert logged_in(client.post(LOGIN, {"username": "curator", "password": password}))
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get("/admin/").status_code == 200

    response = client.post("/admin/logout/")
    assert response.status_code == 200
    assert not SessionStore().exists(key)
    assert response.cookies[settings.SESSION_COOKIE_NAME].value == ""  # the browser is told to drop it
    # Replaying the old cookie gets nowhere.
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = key
    assert replay.get("/admin/").status_code == 302


def test_logging_in_needs_the_csrf_token(curator, password):
    client = Client(enforce_csrf_checks=True)
    response = client.post(LOGIN, {"username": "curator", "password": password})
    assert response.status_code == 403


# ---------------------------------------------------------------------------------------------
# No default account


def test_no_account_exists_after_migrating():
    assert not User.objects.exists()


def test_the_local_superuser_is_not_named_admin_and_has_a_generated_password(monkeypatch):
    monkeypatch.delenv("ATLAS_SUPERUSER", raising=False)
    passwords = []
    for _ in range(2):
        out = io.StringIO()
        call_command("create_local_superuser", stdout=out)
        user = User.objects.get(is_superuser=True)
        assert user.username == "owner"
        password = re.search(r"the password\s+(\S+)", out.getvalue()).group(1)
        assert len(password) >= 12 and user.check_password(password)
        passwords.append(password)
        user.delete()
    assert passwords[0] != passwords[1]
    assert not User.objects.filter(username="admin").exists()


def test_behind_a_proxy_the_address_it_saw_is_throttled_not_the_one_the_client_claims(
    curator, password, settings
):
    settings.ATLAS_PROXY_COUNT = 1
    for n in range(settings.AXES_FAILURE_LIMIT):
        # The client makes up a new address each time; the proxy appends the one it saw.
        client = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 198.51.100.7")
        client.post(LOGIN, {"username": f"guess-{n}", "password": "wrong"})
    locked = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert locked.post(LOGIN, {"username": "curator", "password": password}).status_code == 429
    # Another client behind the same proxy is not affected.
    other = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert logged_in(other.post(LOGIN, {"username": "curator", "password": password}))
