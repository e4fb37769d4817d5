"""While a restore replaces the database's content, readers get a short "back soon" page (503
with Retry-After) at once, instead of a request that waits on the restore's locks.

Where the flag lives: in the database being restored, the one thing every app host shares (the
cache may be one per host, or off). On PostgreSQL it is an advisory lock that the restore holds
on a connection of its own for as long as it runs: every host sees it in `pg_locks`, looking
touches no table (so none of the restore's locks can hold the look up), and it ends with the
restore's session however the restore ends, killed included. Each worker looks at most once a
second, on a short connection of its own, so that a page from the cache still costs no query;
the restore waits that long after raising the flag before it takes any lock. SQLite is served
from one host: there the flag is a file beside the database, removed when the restore ends.
"""

import os
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

RETRY_AFTER = 30  # seconds, what the 503 answer tells clients
CHECK_EVERY = 1.0  # seconds a worker trusts its last look at the flag (PostgreSQL)
# The two keys of the advisory lock: "ATLS", then 1 for "restore".
LOCK = (0x41544C53, 1)
IS_LOCKED = """
    SELECT EXISTS (
        SELECT FROM pg_locks
        WHERE locktype = 'advisory' AND granted AND classid = %s AND objid = %s AND objsubid = 2
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
    )
"""

_last_look = (float("-inf"), False)  # (when, whether the flag was up) in this process


class AlreadyRunning(Exception):
    pass


def _postgresql():
    return connections[DEFAULT_DB_ALIAS].vendor == "postgresql"


def _flag_file():
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.is_in_memory_db():  # tests: one process, one database
        return Path(tempfile.gettempdir()) / f"atlas-restoring-{os.getpid()}"
    return Path(f"{connection.settings_dict['NAME']}.restoring")


def _forget_last_look():
    global _last_look
    _last_look = (float("-inf"), False)


@contextmanager
def restoring():
    """Raise the flag for the time of the block and lower it after, whatever happens in the
    block. Refuses (AlreadyRunning) while another restore has it raised."""
    with _advisory_lock() if _postgresql() else _flag_file_created():
        yield


@contextmanager
def _advisory_lock():
    holder = connections.create_connection(DEFAULT_DB_ALIAS)  # a session of its own
    try:
        with holder.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", LOCK)
            if not cursor.fetchone()[0]:
                raise AlreadyRunning("Another restore is running on this database.")
        _forget_last_look()
        # Every worker looks again within CHECK_EVERY: after that, none starts a request that
        # would queue on the restore's locks.
        time.sleep(CHECK_EVERY + 0.25)
        yield
    finally:
        # Unlocked before the session ends: a closed session's locks go only when its server
        # process has exited, which a look just after may not see yet (and answer 503).
        try:
            with holder.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", LOCK)
        except DatabaseError:
            pass  # the session is gone, and the lock with it
        holder.close()
        _forget_last_look()


@contextmanager
def _flag_file_created():
    flag = _flag_file()
    try:
        flag.open("x").close()
    except FileExistsError:
        raise AlreadyRunning(
            f"Another restore is running on this database (or one was killed: then delete {flag})."
        ) from None
    try:
        yield
    finally:
        flag.unlink(missing_ok=True)


def is_restoring():
    """Whether a restore is running on the database (as of at most CHECK_EVERY ago)."""
    if not _postgresql():
        return _flag_file().exists()
    global _last_look
    when, raised = _last_look
    now = time.monotonic()
    if now - when >= CHECK_EVERY:
        looker = connections.create_connection(DEFAULT_DB_ALIAS)
        # An unreachable database must not hold up pages that the cache can answer without it.
        options = {**looker.settings_dict["OPTIONS"], "connect_timeout": 2}
        looker.settings_dict = {**looker.settings_dict, "OPTIONS": options}
        try:
            with looker.cursor() as cursor:
                cursor.execute(IS_LOCKED, LOCK)
                raised = cursor.fetchone()[0]
        except DatabaseError:
            raised = False  # the database is down: pages from the cache may still answer
        finally:
            looker.close()
        _last_look = (now, raised)
    return raised


class MaintenanceMiddleware:
    """Answers 503 "back soon" while a restore runs, before any other work on the request.
    /healthz still answers: the process is alive."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.exempt = {reverse("healthz")}

    def __call__(self, request):
        if request.path_info not in self.exempt and is_restoring():
            return back_soon()
        return self.get_response(request)


def back_soon():
    response = HttpResponse(render_to_string("maintenance.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    add_never_cache_headers(response)  # no proxy keeps it once the restore is over
    response._has_been_logged = True  # expected, not a server error: Django would log each one
    return response
