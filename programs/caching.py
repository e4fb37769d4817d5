"""Whole public pages, and the few figures that are costly to compute and change only when the
curated data change (the global search's groups, CSV exports), kept in the cache the server's
workers (and hosts, with CACHE_URL) share. A page is fast to compute without it (its figures are
counted with it: programs.browse, programs.summary); the cache makes it faster, and a page many
readers ask for at once is computed by one worker while the others wait for it.

Every key carries the data's generation: any change to a record of the knowledge base (a save,
a delete, a many-to-many change, a version in its history, its search document rebuilt, a bulk
load by `synthesize`, `restore`, `load_article` or `reindex`) starts a new one, so no page shows
a figure older than the data. Entries of past generations are never read again; they expire
(TIMEOUT) or are culled by the cache.

Three cache aliases (diplomacy/settings.py): figures in "default", whole pages in "pages", and the
generation alone in "generation", so that culling many pages never takes the generation key (or
the figures) with it. Settings that name only "default" (the tests') keep all three there.

A change starts a new generation at once and again when its transaction commits, so that a
figure computed by another worker while the transaction was open is not kept either. Whatever
writes what a page shows after the change itself (the search document, the history) starts one
again after its own write: correctness does not depend on the order of signal receivers.
"""

import hashlib
import time
import uuid
from functools import wraps
from urllib.parse import urlencode

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse, QueryDict
from simple_history.signals import post_create_historical_record

GENERATION_KEY = "atlas:generation"
PERSONAL_COOKIES = {settings.SESSION_COOKIE_NAME, "messages"}
TIMEOUT = 24 * 60 * 60
MISSING = object()
# cached_page(reads=EVERY): the whole query string is part of the key (the API, which refuses
# parameters it does not know).
EVERY = None


def cache(alias="default"):
    """The cache of `alias` ("default", "pages", "generation"), or the default one when the
    settings do not name it."""
    return caches[alias if alias in settings.CACHES else "default"]


def generation():
    """The current generation of the data (made on first use)."""
    kept = cache("generation")
    value = kept.get(GENERATION_KEY)
    if value is None:
        kept.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        value = kept.get(GENERATION_KEY, "")
    return value


def new_generation():
    cache("generation").set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def changed(using="default"):
    """The data changed: a new generation now, and again when the transaction commits."""
    new_generation()
    transaction.on_commit(new_generation, using=using, robust=True)


def key(name, parts):
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    return f"atlas:{name}:{generation()}:{digest}"


def get(name, parts, alias="default"):
    """The value kept for this generation of the data and these `parts`, or None."""
    return cache(alias).get(key(name, parts))


def put(name, parts, value, timeout=TIMEOUT, alias="default"):
    cache(alias).set(key(name, parts), value, timeout)


def cached(name, parts, compute, timeout=TIMEOUT):
    """`compute()`, or its value kept for this generation of the data and these `parts`."""
    name = key(name, parts)
    value = cache().get(name, MISSING)
    if value is MISSING:
        value = compute()
        cache().set(name, value, timeout)
    return value


def query_read(request, reads):
    """The query string of `request` as a page that reads only the parameters `reads` sees it:
    those, in sorted order, without empty values. EVERY: every parameter, sorted."""
    pairs = sorted(
        (name, value)
        for name in request.GET
        if reads is EVERY or name in reads
        for value in request.GET.getlist(name)
        if value or reads is EVERY
    )
    return urlencode(pairs)


def cached_page(view, reads=EVERY):
    """Serve a public page's HTML from the "pages" cache for readers without a session, until
    the data change. Middleware still runs on every response (security headers and all).

    The key is the path and the parameters the page reads (`reads`: their names), sorted, with
    unknown ones dropped: `?utm=x&b=1&a=2` and `?a=2&b=1` are one page. The view is then given
    that query string alone, so that what is kept is what its key says.

    A request with a session or messages cookie (a curator, who may preview drafts) is always
    answered afresh, and only a plain 200 answer that sets no cookie is kept.
    """

    @wraps(view)
    def serve(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or PERSONAL_COOKIES & request.COOKIES.keys():
            return view(request, *args, **kwargs)
        query = query_read(request, reads)
        if reads is not EVERY:
            request.GET = QueryDict(query)
            request.META["QUERY_STRING"] = query
        parts = (request.path, query, request.get_host(), request.is_secure())
        kept = get("html", parts, alias="pages")
        if kept is None and not computing(parts):
            kept = computed_elsewhere(parts)
        if kept is not None:
            content, content_type = kept
            return HttpResponse(content, content_type=content_type)
        try:
            response = view(request, *args, **kwargs)
        except BaseException:
            cache("pages").delete(key("computing", parts))  # the others need not wait for it
            raise

        def keep(response):
            if response.status_code == 200 and not response.cookies and not response.streaming:
                put("html", parts, (response.content, response["Content-Type"]), alias="pages")
            cache("pages").delete(key("computing", parts))
            return response

        if hasattr(response, "add_post_render_callback"):
            response.add_post_render_callback(keep)
            return response
        return keep(response)

    return serve


# A page missing from the cache that many readers ask for at once is computed by one worker: the
# others wait for it to be kept, at most WAIT seconds (then compute it themselves), polling every
# POLL. The claim lapses after CLAIM seconds, should its worker die.
WAIT, POLL, CLAIM = 3.0, 0.05, 10


def computing(parts):
    """Whether this worker is the one to compute the page `parts` (no other has claimed it)."""
    return cache("pages").add(key("computing", parts), True, timeout=CLAIM)


def computed_elsewhere(parts):
    """The page `parts` that another worker is computing, once kept; None if it gives up or WAIT
    passes."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        time.sleep(POLL)
        kept = get("html", parts, alias="pages")
        if kept is not None or not cache("pages").get(key("computing", parts)):
            return kept
    return None


def data_changed(sender, using="default", **kwargs):
    if kwargs.get("action", "post_").startswith("pre_"):
        return  # m2m_changed: the post_ signal follows
    changed(using)


def connect():
    """Watch every model of the knowledge base; called once from ProgramsConfig.ready()."""
    for model in apps.get_app_config("programs").get_models(include_auto_created=True):
        if model._meta.model_name.startswith("historical") or model._meta.model_name == "facetcount":
            continue  # a history row, or a count, goes with a change of its record, which is watched
        uid = f"programs.caching.{model._meta.label_lower}"
        # Rows of a many-to-many table, explicit join records included, may be added in bulk
        # (`initiative.topics.add(…)`), which only m2m_changed tells of.
        m2m_changed.connect(data_changed, sender=model, dispatch_uid=f"{uid}.m2m")
        if not model._meta.auto_created:
            post_save.connect(data_changed, sender=model, dispatch_uid=f"{uid}.save")
            post_delete.connect(data_changed, sender=model, dispatch_uid=f"{uid}.delete")
    # A version in a record's history (its versions page) is written after the record's save.
    post_create_historical_record.connect(data_changed, dispatch_uid="programs.caching.history")
