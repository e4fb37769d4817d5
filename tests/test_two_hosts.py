"""Two app hosts, as behind a load balancer: two gunicorn servers started as `make serve` starts
one (DEBUG off, collected static files, persistent connections), on one PostgreSQL database and
one Redis server (CACHE_URL), answering one site name. A reader and a curator each keep one
cookie jar, as a browser does, whichever host answers.

- A change saved through one host is never served stale by the other (and, with each host on its
  own file cache instead, it is: what the shared cache is for).
- A session opened on one host holds on the other; failed logins counted on both lock the
  account; the search throttle counts a client's requests on both.

Runs on PostgreSQL with a Redis server (CACHE_URL for the tests: ATLAS_TEST_REDIS_URL, by default
redis://127.0.0.1:6379/5, under a key prefix of its own that it removes after). Skipped on SQLite
(one file of one host); without Redis it is skipped, or fails where ATLAS_REQUIRE_REDIS=1 (CI).
"""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import User
from django.db import connection

from programs.models import Initiative, Topic

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("ATLAS_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
SITE = "atlas.test"
PASSWORD = "two hosts, one password"  # noqa: S105 (a test user's)


def redis_client():
    import redis

    return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)


def redis_missing():
    try:
        redis_client().ping()
    except Exception as error:  # no server, or no answer
        return f"no Redis server at {REDIS_URL} ({error.__class__.__name__})"
    return None


def not_here():
    """Why the test cannot run here, or None."""
    if connection.vendor != "postgresql":
        return "two hosts share one PostgreSQL server; SQLite is one file of one host"
    missing = redis_missing()
    if missing and os.environ.get("ATLAS_REQUIRE_REDIS") == "1":
        pytest.fail(f"ATLAS_REQUIRE_REDIS=1 but {missing}", pytrace=False)
    return missing


REASON = not_here()
pytestmark = pytest.mark.skipif(REASON is not None, reason=REASON or "")


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """The static files collected once, as `make serve` collects them, for every host here."""
    root = tmp_path_factory.mktemp("static")
    environment = {**clean_environment(), "DJANGO_STATIC_ROOT": str(root)}
    environment.update(DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x" * 50, DJANGO_ALLOWED_HOSTS=SITE)
    command = [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"]
    subprocess.run(command, cwd=ROOT, env=environment, check=True, capture_output=True)
    return root


def clean_environment():
    """This process's environment without the settings the hosts are given."""
    given = ("DJANGO_", "DATABASE_URL", "CACHE_", "ATLAS_")
    return {name: value for name, value in os.environ.items() if not name.startswith(given)}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Host:
    """One `make serve`: gunicorn with two workers on a port of the loopback."""

    def __init__(self, name, environment, folder):
        self.name, self.port = name, free_port()
        self.log = folder / f"{name}.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "diplomacy.wsgi", "--bind", f"127.0.0.1:{self.port}"]
                + ["--workers", "2", "--no-control-socket"],
                cwd=ROOT,
                env={**environment, "DJANGO_CACHE_DIR": str(folder / f"cache-{name}")},
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"host {self.name} stopped:\n{self.log.read_text()}"
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"host {self.name} did not start:\n{self.log.read_text()}")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def start_hosts(transactional_db, static_root, tmp_path):
    """start_hosts(shared=True): two hosts on this test's database, sharing one Redis cache (or,
    with shared=False, each with its own file cache, as a single host has it)."""
    started, prefixes = [], []

    def start(shared=True, **settings):
        database = connection.settings_dict
        environment = clean_environment()
        environment.update(
            DATABASE_URL=(
                f"postgres://{database['USER']}:{database['PASSWORD'] or ''}"
                f"@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}"
            ),
            DJANGO_DEBUG="0",
            DJANGO_SECRET_KEY="two hosts share one secret key " + "k" * 30,
            DJANGO_ALLOWED_HOSTS=SITE,
            DJANGO_CONN_MAX_AGE="600",
            DJANGO_SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
            DJANGO_STATIC_ROOT=str(static_root),
            # Behind one proxy: the client's address is the one it appends to X-Forwarded-For.
            ATLAS_PROXY_COUNT="1",
            **settings,
        )
        if shared:
            prefix = f"test-two-hosts-{uuid.uuid4().hex[:12]}"
            prefixes.append(prefix)
            environment.update(CACHE_URL=REDIS_URL, CACHE_KEY_PREFIX=prefix)
        hosts = [Host(name, environment, tmp_path) for name in ("a", "b")]
        started.extend(hosts)
        return [host.wait() for host in hosts]

    yield start
    for host in started:
        host.stop()
    if prefixes:
        client = redis_client()
        for prefix in prefixes:
            keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
            if keys:
                client.delete(*keys)


class Browser:
    """One client (one address, one cookie jar) of the site, whichever host answers it."""

    def __init__(self, address):
        self.address = address
        self.cookies = {}

    def request(self, host, method, path, form=None):
        headers = {
            "Host": SITE,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.address,
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers.update(
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Origin": f"https://{SITE}",
                    "Referer": f"https://{SITE}{path}",
                }
            )
        server = http.client.HTTPConnection("127.0.0.1", host.port, timeout=60)
        try:
            server.request(method, path, body=body, headers=headers)
            response = server.getresponse()
            content = response.read().decode()
        finally:
            server.close()
        for line in response.msg.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(line).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response.status, response.getheader("Location", ""), content

    def get(self, host, path):
        return self.request(host, "GET", path)

    def post(self, host, path, form):
        return self.request(host, "POST", path, form)

    def log_in(self, host, username, password):
        """Log in through the admin's login form; returns the answer's status."""
        status, _, page = self.get(host, "/admin/login/?next=/admin/")
        assert status == 200, page
        form = {**form_fields(page, "login-form"), "username": username, "password": password}
        status, _, _ = self.post(host, "/admin/login/?next=/admin/", form)
        return status


class FormFields(HTMLParser):
    """The fields of one form of a page, as a browser would send it untouched."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.fields = form_id, False, []
        self.textarea = self.select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or "name" not in attrs and tag != "option":
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.append((attrs["name"], attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea":
            self.textarea = [attrs["name"], ""]
        elif tag == "select":
            self.select = attrs["name"]
        elif tag == "option" and self.select and "selected" in attrs:
            self.fields.append((self.select, attrs.get("value", "")))

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea is not None:
            self.fields.append(tuple(self.textarea))
            self.textarea = None
        elif tag == "select":
            self.select = None


def form_fields(page, form_id):
    parser = FormFields(form_id)
    parser.feed(page)
    assert parser.fields, f"no form {form_id} on the page"
    fields = {}
    for name, value in parser.fields:
        fields.setdefault(name, []).append(value)
    return {name: values if len(values) > 1 else values[0] for name, values in fields.items()}


def make_user(username, **flags):
    """A user whose password the hosts can check (they use Django's default hashers; the tests'
    own is a fast one of test settings only)."""
    password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    return User.objects.create(username=username, password=password, **flags)


def shown(page, text):
    return re.search(re.escape(text), page) is not None


@pytest.mark.parametrize("shared", [True, False], ids=["one Redis cache", "a file cache each"])
def test_a_change_saved_through_one_host_is_never_served_stale_by_the_other(start_hosts, shared):
    topic = Topic.objects.create(slug="orbits", name="Orbital Cooperation", is_published=True)
    initiative = Initiative.objects.create(
        slug="a-space-dialogue", name="A Space Dialogue", kind="dialogue", summary=".", is_published=True
    )
    initiative.topics.add(topic)
    make_user("curator", is_staff=True, is_superuser=True)
    a, b = start_hosts(shared=shared)

    reader = Browser("198.51.100.1")
    pages = ["/topics/orbits/", "/topics/", "/initiatives/a-space-dialogue/"]
    for _ in range(3):  # from each host, enough times for every worker to have answered
        for host in (a, b):
            for path in pages:
                status, _, page = reader.get(host, path)
                assert status == 200 and shown(page, "Orbital Cooperation"), (host.name, path)
    assert not reader.cookies  # a reader without a session: the page cache answers it

    curator = Browser("198.51.100.2")
    assert curator.log_in(a, "curator", PASSWORD) == 302
    change = f"/admin/programs/topic/{topic.pk}/change/"
    status, _, form_page = curator.get(b, change)  # the session opened on a holds on b
    assert status == 200 and "topic_form" in form_page
    form = {**form_fields(form_page, "topic_form"), "name": "Lunar Cooperation", "_save": "Save"}
    status, location, page = curator.post(a, change, form)
    assert status == 302, page
    assert Topic.objects.get(pk=topic.pk).name == "Lunar Cooperation"

    served = {
        (host.name, path): shown(reader.get(host, path)[2], "Lunar Cooperation")
        for host in (b, a)
        for path in pages
        for _ in range(2)  # both workers of each host, likely
    }
    if shared:
        assert all(served.values()), served
    else:
        # Each host's cache knows of its own changes only: b serves the page as it was.
        assert not all(served[("b", path)] for path in pages), served


def test_sessions_and_the_login_throttle_hold_across_hosts(start_hosts, settings):
    make_user("curator", is_staff=True, is_superuser=True)
    a, b = start_hosts(ATLAS_THROTTLE_SEARCH="4/h")

    # A session opened on one host is one on the other, and logging out on it ends it on both.
    curator = Browser("198.51.100.3")
    assert curator.get(b, "/admin/")[0] == 302  # to the login page
    assert curator.log_in(a, "curator", PASSWORD) == 302
    status, _, page = curator.get(b, "/admin/")
    assert status == 200 and "curator" in page
    logout = form_fields(curator.get(a, "/admin/")[2], "logout-form")
    assert curator.post(b, "/admin/logout/", logout)[0] == 200
    assert curator.get(a, "/admin/")[0] == 302

    # Failed logins of one account from one address, counted on both hosts, lock it on both.
    limit = settings.LOGIN_LIMITS["account_and_address"]
    guesser = Browser("198.51.100.4")
    answers = [guesser.log_in((a, b)[n % 2], "curator", f"guess {n}") for n in range(limit)]
    assert answers[:-1] == [200] * (limit - 1)  # the form again, with its error
    assert answers[-1] == 429  # the lockout page
    for host in (a, b):
        assert guesser.log_in(host, "curator", PASSWORD) == 429  # even the right password
    # Only that account from that address: the curator's own address still logs in.
    assert Browser("198.51.100.3").log_in(b, "curator", PASSWORD) == 302

    # The search throttle counts a client's requests on both hosts (in the shared cache).
    searcher = Browser("198.51.100.5")
    statuses = [searcher.get((a, b)[n % 2], f"/search/?q=word{n}")[0] for n in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
