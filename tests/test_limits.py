"""Bounded work per request: the web server's statement and lock time-outs and the pages that
answer a query they cut off, the whole-table CSV from a file made once per generation of the
data, the throttle of costly requests, and the admin's export that streams."""

import csv
import fcntl
import gzip
import io
import os
import re
import runpy
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg2
import pytest
from django.contrib import admin
from django.db import OperationalError, connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diplomacy import limits
from programs import export
from programs.models import Citation, Initiative, Source
from programs.views import downloads

ROOT = Path(__file__).resolve().parent.parent
CSV = reverse("programs:initiative_csv")
postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's time-outs")


# ---------------------------------------------------------------------------------------------
# Statement and lock time-outs (PostgreSQL)


@pytest.fixture
def bounded(transactional_db):
    """bound(statement_timeout=…, lock_timeout=…): the test's connection as the web server's,
    reconnected with those limits; as before afterwards."""

    def bound(**given):
        limits.bound_connections(given)
        connection.close()  # the next query connects with the limits

    yield bound
    limits.unbind_connections()
    connection.close()


@pytest.fixture
def lock():
    """lock(table, release_after=s): an exclusive lock on `table`, held by a second connection
    until the test ends, until the release function it returns is called, or, when given, until
    PostgreSQL ends that session `release_after` seconds later (its
    idle_in_transaction_session_timeout). A request that outlives it has not been cut off: the
    tests fail instead of hanging on code without time-outs."""
    holders = []
    settings = connection.settings_dict

    def take(table, release_after=10):
        holder = psycopg2.connect(
            dbname=settings["NAME"],
            user=settings["USER"],
            password=settings["PASSWORD"] or None,
            host=settings["HOST"],
            port=settings["PORT"] or 5432,
        )
        holders.append(holder)
        with holder.cursor() as cursor:
            cursor.execute(f"SET idle_in_transaction_session_timeout = '{release_after}s'")
            cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")  # opens a transaction
        return holder.rollback  # answered once the server has let the lock go

    yield take
    for holder in holders:
        holder.close()  # rolls back, which releases the lock


@postgresql
def test_a_statement_cut_off_by_the_time_out_answers_the_too_broad_page(bounded, lock):
    bounded(statement_timeout=300, lock_timeout=0)
    lock("programs_institution")
    started = time.monotonic()
    response = Client().get(reverse("programs:institution_list"), {"q": "stanford or harvard or mit"})
    assert time.monotonic() - started < 5
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert "<h1>Too broad to answer quickly</h1>" in html
    assert "This search is too broad to answer quickly; narrow it" in html
    assert 'value="stanford or harvard or mit"' in html  # the search box, to narrow it
    assert "Traceback" not in html and "canceling statement" not in html
    assert "Something went wrong" not in html  # not the 500 page


@postgresql
def test_a_lock_waited_for_too_long_answers_the_busy_page(bounded, lock):
    bounded(statement_timeout=5000, lock_timeout=200)
    lock("programs_initiative")
    response = Client().get(reverse("programs:initiative_list"), {"q": "dialogue"})
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "<h1>The knowledge base is being updated</h1>" in response.content.decode()


@postgresql
def test_the_connection_answers_the_next_request_after_a_cut_off(bounded, lock):
    bounded(statement_timeout=300, lock_timeout=0)
    client = Client()
    release = lock("programs_institution")
    assert client.get(reverse("programs:institution_list"), {"q": "stanford"}).status_code == 503
    before = connection.connection
    release()  # rather than wait for PostgreSQL's session time-out, which a loaded machine delays
    response = client.get(reverse("programs:institution_list"), {"q": "stanford"})
    assert response.status_code == 200, response.content.decode()[:300]
    assert connection.connection is before  # the same connection, in a clean state
    assert not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone() == ("300ms",)


@postgresql
def test_a_csv_cut_off_answers_503_rather_than_a_broken_download(bounded, lock):
    bounded(statement_timeout=300, lock_timeout=0)
    lock("programs_initiative")
    assert Client().get(CSV, {"q": "dialogue"}).status_code == 503
    assert Client().get(CSV).status_code == 503  # the whole table's file cannot be made either
    with connection.cursor() as cursor:  # the connection is still usable
        cursor.execute("SELECT 1")


@postgresql
def test_the_admin_waits_for_locks_where_public_pages_do_not(bounded, lock, django_user_model):
    bounded(statement_timeout=300, lock_timeout=200)
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("owner", password="x"))
    locked = time.monotonic()
    lock("programs_institution", release_after=2)
    assert client.get(reverse("programs:institution_list"), {"q": "stanford"}).status_code == 503
    assert client.get(reverse("admin:programs_institution_changelist")).status_code == 200
    # It waited for the lock to go (timed from the lock: however slow the machine, the public
    # page's 0.2 s lock time-out and the admin's page come well within the 2 s held).
    assert time.monotonic() - locked >= 2
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone() == ("0",)
    # The next public page is bounded again.
    assert client.get(reverse("programs:institution_list"), {"q": "stanford"}).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone() == ("300ms",)


def shown_timeout(code):
    """statement_timeout of a fresh process' connection after `code` (with DATABASE_URL)."""
    db = connection.settings_dict
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.update(
        DJANGO_SETTINGS_MODULE="diplomacy.settings",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        ATLAS_STATEMENT_TIMEOUT_MS="2500",
    )
    program = (
        f"{code}\nfrom django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        "    cursor.execute('SHOW statement_timeout'); print(cursor.fetchone()[0])"
    )
    result = subprocess.run(
        [sys.executable, "-c", program], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()[-1]


@postgresql
@pytest.mark.django_db
def test_the_web_server_is_bounded_and_management_commands_are_not():
    assert shown_timeout("import diplomacy.wsgi") == "2500ms"
    assert shown_timeout("import django; django.setup()") == "0"


def test_a_cut_off_query_on_any_database_answers_503(client, monkeypatch, db):
    """The page itself, wherever the cut-off comes from (here a stand-in for PostgreSQL's)."""

    class Canceled(Exception):
        pgcode = limits.QUERY_CANCELED

    def cut_off(*args, **kwargs):
        raise OperationalError("canceling statement due to statement timeout") from Canceled()

    monkeypatch.setattr("programs.browse.Browse.from_params", cut_off)
    response = client.get(reverse("programs:initiative_list"), {"q": "dialogue"})
    assert response.status_code == 503
    assert "Too broad to answer quickly" in response.content.decode()


def test_other_database_errors_still_answer_500(monkeypatch, db):
    def broken(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("programs.browse.Browse.from_params", broken)
    client = Client(raise_request_exception=False)
    assert client.get(reverse("programs:initiative_list")).status_code == 500


# ---------------------------------------------------------------------------------------------
# The whole-table CSV from a file, once per generation


def exported(client, params=None):
    response = client.get(CSV, params or {})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert re.search(
        r'attachment; filename="initiatives-[\w-]*\d{4}-\d\d-\d\d\.csv"', response["Content-Disposition"]
    )
    return b"".join(response.streaming_content)


def files(settings):
    return sorted(path.name for path in Path(settings.EXPORT_DIR).glob("*.csv.gz"))


def test_the_whole_table_csv_is_made_once_per_generation_of_the_data(
    client, atlas, settings, django_assert_num_queries, tmp_path
):
    settings.EXPORT_DIR = tmp_path  # a folder of its own, without other tests' files
    first = exported(client)
    [made] = files(settings)
    with django_assert_num_queries(0):
        assert exported(client) == first
    names = [row["name"] for row in csv.DictReader(io.StringIO(first.decode()))]
    assert names == sorted(Initiative.objects.published().values_list("name", flat=True))

    initiative = Initiative.objects.get(slug="dartmouth-conference")
    initiative.name = "Dartmouth Conference (renamed)"
    initiative.save()
    again = exported(client)
    assert again != first
    assert b"Dartmouth Conference (renamed)" in again
    assert files(settings) != [made] and len(files(settings)) == 1  # the old file is gone


def test_the_file_holds_what_the_streamed_export_would(client, atlas, settings):
    from_file = exported(client)
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    streamed = exported(client)  # no cache, no generation: made afresh, no file
    assert streamed == from_file
    assert exported(client, {"sort": "start"}) != from_file


def test_a_large_whole_table_is_written_aside_while_its_readers_are_asked_to_come_back(
    client, atlas, settings, tmp_path, monkeypatch
):
    settings.EXPORT_DIR = tmp_path
    monkeypatch.setattr(downloads, "MADE_IN_THE_REQUEST", 3)  # the atlas's initiatives are more
    response = client.get(CSV)
    assert response.status_code == 503
    assert response["Retry-After"] == str(downloads.RETRY_MAKING)
    page = response.content.decode()
    assert "The whole table is being written" in page
    assert f'<meta http-equiv="refresh" content="{downloads.RETRY_MAKING}">' in page
    deadline = time.monotonic() + 30
    while not files(settings) and time.monotonic() < deadline:  # the worker's thread writes it
        time.sleep(0.05)
    made = exported(client)
    settings.EXPORT_DIR = tmp_path / "in the request"
    monkeypatch.setattr(downloads, "MADE_IN_THE_REQUEST", 1000)
    assert exported(client) == made  # as the request would have written it


def test_one_list_s_file_being_written_holds_up_no_other_s(client, atlas, settings, tmp_path):
    settings.EXPORT_DIR = tmp_path
    answers = []

    def download():
        answers.append(client.get(reverse("programs:country_csv")).status_code)
        connections.close_all()  # this thread's own

    with (tmp_path / ".initiatives.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # as a worker's thread does while writing the initiatives'
        thread = threading.Thread(target=download)
        thread.start()
        thread.join(timeout=10)
        assert answers == [200]  # while the other list's file is still being written
    thread.join()


def test_simultaneous_first_requests_make_the_file_once(db, settings):
    writes = []

    def write(file):
        writes.append(1)
        time.sleep(0.2)
        file.write("name\r\n")

    opened = []

    def request():
        opened.append(export.generation_file("test", ("same",), write))

    threads = [threading.Thread(target=request) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(writes) == 1
    assert {gzip.decompress(file.read()) for file in opened} == {b"name\r\n"}
    for file in opened:
        file.close()


# ---------------------------------------------------------------------------------------------
# The throttle


@pytest.fixture
def throttled(settings):
    settings.RATELIMIT_ENABLE = True
    # Windows of an hour: a test's requests never straddle two of them, as they may a minute's
    # under a loaded machine (the fourth search then counted in a fresh window: 200, not 429).
    settings.THROTTLES = {"search": "3/h", "csv": "2/h"}


def test_searches_past_the_limit_answer_429_and_other_clients_are_spared(client, atlas, throttled):
    one = Client(REMOTE_ADDR="192.0.2.1")
    for word in ("seminars", "students", "space"):
        assert one.get(reverse("programs:search"), {"q": word}).status_code == 200
    response = one.get(reverse("programs:initiative_list"), {"q": "dialogue"})
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 3600
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert "<h1>Too many requests</h1>" in html
    assert f"can be made again in {response['Retry-After']} second" in html
    # A record's page is not throttled, nor is another client.
    assert one.get(reverse("programs:initiative", args=["dartmouth-conference"])).status_code == 200
    assert Client(REMOTE_ADDR="192.0.2.2").get(reverse("programs:search"), {"q": "space"}).status_code == 200


def test_pages_answered_from_the_cache_are_not_counted(client, atlas, throttled):
    for _ in range(10):
        assert client.get(reverse("programs:search"), {"q": "seminars"}).status_code == 200


def test_csv_exports_of_a_result_set_are_throttled_and_the_whole_table_is_not(client, atlas, throttled):
    exported(client, {"q": "seminars"})
    exported(client, {"q": "students"})
    exported(client, {"q": "seminars"})  # kept in the cache: not counted
    response = client.get(CSV, {"q": "space"})
    assert response.status_code == 429
    assert "Retry-After" in response
    for _ in range(5):
        assert client.get(CSV).status_code == 200


def test_behind_proxies_the_client_is_the_address_the_proxy_saw(client, atlas, throttled, settings):
    settings.ATLAS_PROXY_COUNT = 1
    for n in range(3):
        proxied = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
        assert proxied.get(reverse("programs:search"), {"q": f"word{n}"}).status_code == 200
    assert proxied.get(reverse("programs:search"), {"q": "again"}).status_code == 429
    other = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert other.get(reverse("programs:search"), {"q": "again"}).status_code == 200


@pytest.mark.parametrize("redis", ["", "redis://127.0.0.1:6379/0"], ids=["file cache", "redis"])
def test_the_throttle_s_cache_passes_the_deploy_check(redis):
    from tests.test_security import PRODUCTION, run_manage

    result = run_manage("check", "--deploy", "--fail-level", "WARNING", DJANGO_REDIS_URL=redis, **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_redis_url_makes_redis_the_shared_cache(monkeypatch):
    monkeypatch.setenv("DJANGO_REDIS_URL", "redis://cache.internal:6379/1")
    module = runpy.run_path(str(ROOT / "diplomacy" / "settings.py"))
    assert module["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert module["CACHES"]["default"]["LOCATION"] == "redis://cache.internal:6379/1"
    assert module["RATELIMIT_USE_CACHE"] == "default"


# ---------------------------------------------------------------------------------------------
# The admin's export streams


def test_the_admin_export_streams_its_rows_instead_of_building_them_first(curator_client, knowledge_base):
    source = Source.objects.get(slug="a-report")
    initiative = Initiative.objects.get(slug="a-dialogue")
    Citation.objects.bulk_create(  # more than one chunk (2,000 rows) of the export
        Citation(source=source, initiative=initiative, passage=f"Passage {n}.") for n in range(2500)
    )
    response = curator_client.post(  # "Select all" of the changelist
        reverse("admin:programs_citation_changelist"),
        {"action": "export_csv", "select_across": "1", admin.helpers.ACTION_CHECKBOX_NAME: [source.pk]},
    )
    assert response.streaming
    with CaptureQueriesContext(connection) as read_while_sent:
        content = b"".join(response.streaming_content)
    # The rows are read from the database as the answer is sent, not gathered before it.
    assert any("programs_citation" in query["sql"] for query in read_while_sent.captured_queries)
    assert len(list(csv.DictReader(io.StringIO(content.decode())))) == Citation.objects.count()
