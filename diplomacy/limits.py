"""Bounded work per request: database time-outs for the web server, the page that answers a
query cut off by them, and the throttle of what stays expensive. See "Bounded work per request"
in diplomacy/settings.py and in the README.

- `bound_connections()`, called by diplomacy/wsgi.py and asgi.py, gives every PostgreSQL
  connection the serving process opens a statement and a lock time-out
  (settings.DATABASE_LIMITS). They travel in the connection's start-up options, so no page runs
  a query more for them; management commands (migrate, restore, synthesize…) never import the
  server's module and keep PostgreSQL's defaults.
- `LimitsMiddleware` lifts them for the curators' admin, and answers a query cut off by them
  with the site's 503 page instead of a 500.
- `throttle(group)` lets each client make settings.THROTTLES[group] such requests per period
  (django-ratelimit, counted in the default cache) and answers the next ones 429.
"""

from functools import wraps

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.signals import connection_created
from django.shortcuts import render
from django.urls import reverse
from django_ratelimit.core import get_usage

# SQLSTATEs of a statement PostgreSQL gave up on: statement_timeout, lock_timeout.
QUERY_CANCELED = "57014"
LOCK_NOT_AVAILABLE = "55P03"
# How long a reader is asked to wait before trying again, in seconds.
RETRY_AFTER = {QUERY_CANCELED: 30, LOCK_NOT_AVAILABLE: 5}

# Aliases whose connections carry the limits in their start-up options: alias → the options
# they had before.
BOUNDED = {}


def bound_connections(limits=None):
    """Give the PostgreSQL connections this process opens from now on `limits` (by default
    settings.DATABASE_LIMITS: {"statement_timeout": ms, "lock_timeout": ms}, 0 for none)."""
    limits = settings.DATABASE_LIMITS if limits is None else limits
    options = " ".join(f"-c {name}={int(value)}" for name, value in limits.items() if value)
    if not options:
        return
    for alias in connections:
        connection = connections[alias]
        if connection.vendor != "postgresql" or alias in BOUNDED:
            continue
        # The settings of an alias are shared by its connections in every thread.
        extra = connection.settings_dict.setdefault("OPTIONS", {})
        BOUNDED[alias] = extra.get("options")
        extra["options"] = f"{extra.get('options', '')} {options}".strip()
    connection_created.connect(fresh_connection, dispatch_uid="diplomacy.limits")


def unbind_connections():
    """Undo bound_connections() (for tests); open connections keep their limits until closed."""
    for alias, options in BOUNDED.items():
        extra = connections[alias].settings_dict["OPTIONS"]
        if options is None:
            extra.pop("options", None)
        else:
            extra["options"] = options
    BOUNDED.clear()


def fresh_connection(sender, connection, **kwargs):
    """A new connection starts as its start-up options say: bounded."""
    connection.atlas_unbounded = False


def set_bounded(bounded, alias=DEFAULT_DB_ALIAS):
    """Bound (as the start-up options say) or unbound (0: no limit) the open connection of this
    thread, with one SET, and only when it is not so already."""
    if alias not in BOUNDED:
        return
    connection = connections[alias]
    if connection.connection is None:
        return  # the next connection starts bounded (fresh_connection)
    if bounded == (not getattr(connection, "atlas_unbounded", False)):
        return  # already as wanted
    if connection.in_atomic_block:
        return  # a SET inside a transaction would not outlive its rollback
    with connection.cursor() as cursor:
        if bounded:
            cursor.execute("RESET statement_timeout; RESET lock_timeout")
        else:
            cursor.execute("SET statement_timeout = 0; SET lock_timeout = 0")
    connection.atlas_unbounded = not bounded


def cut_off(exception):
    """The SQLSTATE of a statement PostgreSQL gave up on because of a limit, or None.

    The error may come wrapped (Django's OperationalError over psycopg's) or, for a server-side
    cursor, under the error of closing the cursor that was never opened: the whole chain counts.
    """
    seen = set()
    while exception is not None and id(exception) not in seen:
        seen.add(id(exception))
        code = getattr(exception, "sqlstate", None) or getattr(exception, "pgcode", None)  # psycopg 3, 2
        if code in RETRY_AFTER:
            return code
        exception = exception.__cause__ or exception.__context__
    return None


class LimitsMiddleware:
    """The admin's requests run unbounded; a public request whose query was cut off by a limit
    answers the 503 page (templates/503.html) with Retry-After, not the 500 page."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin = reverse("admin:index")

    def __call__(self, request):
        # Curators' pages (changelists with facet counts, exports of every citation) are few and
        # may take long; a lingering SET from an admin request is undone by the next public one.
        set_bounded(not request.path_info.startswith(self.admin))
        return self.get_response(request)

    def process_exception(self, request, exception):
        code = cut_off(exception)
        if code is None:
            return None
        # The failed statement has ended its transaction (autocommit) or the atomic block it ran
        # in has rolled back on the way out: the connection is ready for the next request.
        context = {"busy": code == LOCK_NOT_AVAILABLE, "query": request.GET.get("q", "")[:300]}
        return ask_again(request, "503.html", context, status=503, seconds=RETRY_AFTER[code])


def throttle(group):
    """Decorator: each client may make settings.THROTTLES[group] ("30/m") requests of this view
    per period; past that it answers 429 with Retry-After. No rate, no throttle."""

    def decorator(view):
        @wraps(view)
        def throttled(request, *args, **kwargs):
            usage = get_usage(
                request,
                group=f"atlas.{group}",
                key="ip",
                rate=settings.THROTTLES.get(group),
                increment=True,
            )
            if usage is not None and usage["should_limit"]:
                return too_many(request, usage)
            return view(request, *args, **kwargs)

        return throttled

    return decorator


def too_many(request, usage):
    wait = max(1, usage["time_left"])
    return ask_again(request, "429.html", {"wait": wait}, status=429, seconds=wait)


def ask_again(request, template, context, *, status, seconds):
    """A page saying to ask again in `seconds` (Retry-After), which no cache keeps."""
    response = render(request, template, context, status=status)
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    return response
