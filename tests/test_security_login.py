"""Logging in to the admin: failed tries throttled per account and per address with a cool-off,
no "admin" account by default, the session rotated at login and ended at logout."""

import io
import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.db.models import F
from django.test import Client

from tests.conftest import CURATOR_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
User = get_user_model()


@pytest.fixture
def password(curator):
    """The curator's (tests/conftest.py)."""
    return CURATOR_PASSWORD


def attempt(username, password, address="203.0.113.7"):
    """One login through the admin's form, from `address`; the response."""
    client = Client(REMOTE_ADDR=address)
    return client.post(LOGIN, {"username": username, "password": password})


def logged_in(response):
    return response.status_code == 302 and response["Location"] == "/admin/"


LIMITS = settings.LOGIN_LIMITS


def fail(username, address, times=1):
    for n in range(times):
        attempt(username, f"wrong-{n}", address=address)


def test_the_right_password_logs_in(curator, password):
    assert logged_in(attempt("curator", password))


def test_another_accounts_logins_do_not_lift_a_lock(curator, password):
    """The walk-around found by the probe: 16 wrong passwords for one account from an address,
    with the attacker logging in to an account of their own from the same address in between."""
    User.objects.create_user("mallory", password="mallory-knows-this-1", is_staff=True)
    attacker = "203.0.113.66"
    answers = []
    for n in range(16):
        answers.append(attempt("curator", f"guess-{n}", address=attacker).status_code)
        assert logged_in(attempt("mallory", "mallory-knows-this-1", address=attacker))
    limit = LIMITS["account_and_address"]
    # The limit-th guess locked that address out of the account; every later one was refused,
    # whatever the attacker's own logins in between.
    assert answers[: limit - 1] == [200] * (limit - 1)
    assert set(answers[limit - 1 :]) == {429}
    response = attempt("curator", password, address=attacker)
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    # The curator, from anywhere else, is not locked out by them.
    assert logged_in(attempt("curator", password, address="192.0.2.10"))


def test_a_login_clears_only_its_own_accounts_failures_from_its_own_address(curator, password):
    User.objects.create_user("other", password=password, is_staff=True)
    below = LIMITS["account_and_address"] - 1
    fail("curator", "198.51.100.1", below)
    fail("other", "198.51.100.1", below)
    fail("curator", "198.51.100.2", below)
    assert logged_in(attempt("curator", password, address="198.51.100.1"))
    # The curator's count at that address starts again...
    fail("curator", "198.51.100.1", below)
    assert logged_in(attempt("curator", password, address="198.51.100.1"))
    # ...but the other account's failures there, and the curator's elsewhere, still count.
    fail("other", "198.51.100.1")
    assert attempt("other", password, address="198.51.100.1").status_code == 429
    fail("curator", "198.51.100.2")
    assert attempt("curator", password, address="198.51.100.2").status_code == 429


def test_fewer_failures_than_the_limit_lock_nothing(curator, password):
    fail("curator", "203.0.113.7", LIMITS["account_and_address"] - 1)
    assert logged_in(attempt("curator", password))


def test_one_address_cannot_spray_guesses_across_accounts(curator, password):
    for n in range(LIMITS["address"]):
        attempt(f"guess-{n}", "wrong", address="198.51.100.99")
    assert attempt("curator", password, address="198.51.100.99").status_code == 429
    # The same account from another address is not affected.
    assert logged_in(attempt("curator", password, address="198.51.100.100"))


def test_guessing_from_many_addresses_is_bounded_but_spares_the_curators_own(curator, password):
    assert logged_in(attempt("curator", password, address="192.0.2.1"))  # where they work from
    per_address = LIMITS["account_and_address"]
    addresses = -(-LIMITS["account"] // per_address)  # as few as the limits allow
    for n in range(addresses):
        fail("curator", f"203.0.113.{n + 100}", per_address)
    # From a new address, even the right password is refused now...
    assert attempt("curator", password, address="198.51.100.50").status_code == 429
    # ...but not from the address the curator has logged in from before.
    assert logged_in(attempt("curator", password, address="192.0.2.1"))


def test_the_lock_lifts_after_the_cool_off(curator, password):
    fail("curator", "203.0.113.7", LIMITS["account_and_address"])
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
    for n in range(LIMITS["address"]):
        # The client makes up a new address each time; the proxy appends the one it saw.
        client = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 198.51.100.7")
        client.post(LOGIN, {"username": f"guess-{n}", "password": "wrong"})
    locked = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert locked.post(LOGIN, {"username": "curator", "password": password}).status_code == 429
    # Another client behind the same proxy is not affected.
    other = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert logged_in(other.post(LOGIN, {"username": "curator", "password": password}))
