"""Figures that are costly to compute and change only when the curated data change — facet
counts, the home page's counts and timeline — kept in the cache the server's workers share.

Every key carries the data's generation: any change to a record of the knowledge base (a save,
a delete, a many-to-many change, a bulk load by `synthesize`) starts a new one, so no page shows
a figure older than the data. Entries of past generations are never read again; they expire
(TIMEOUT) or are culled by the cache.

A change starts a new generation at once and again when its transaction commits, so that a
figure computed by another worker while the transaction was open is not kept either.
"""

import hashlib
import uuid
from functools import wraps

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse

GENERATION_KEY = "atlas:generation"
PERSONAL_COOKIES = {settings.SESSION_COOKIE_NAME, "messages"}
TIMEOUT = 24 * 60 * 60
MISSING = object()


def generation():
    """The current generation of the data (made on first use)."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        value = cache.get(GENERATION_KEY, "")
    return value


def new_generation():
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def key(name, parts):
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    return f"atlas:{name}:{generation()}:{digest}"


def get(name, parts):
    """The value kept for this generation of the data and these `parts`, or None."""
    return cache.get(key(name, parts))


def put(name, parts, value, timeout=TIMEOUT):
    cache.set(key(name, parts), value, timeout)


def cached(name, parts, compute, timeout=TIMEOUT):
    """`compute()`, or its value kept for this generation of the data and these `parts`."""
    name = key(name, parts)
    value = cache.get(name, MISSING)
    if value is MISSING:
        value = compute()
        cache.set(name, value, timeout)
    return value


def cached_page(view):
    """Serve a public page's HTML from the cache for readers without a session, until the data
    change. Middleware still runs on every response (security headers and all).

    A request with a session or messages cookie (a curator, who may preview drafts) is always
    answered afresh, and only a plain 200 answer that sets no cookie is kept.
    """

    @wraps(view)
    def serve(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or PERSONAL_COOKIES & request.COOKIES.keys():
            return view(request, *args, **kwargs)
        parts = (request.get_full_path(), request.get_host(), request.is_secure())
        kept = get("html", parts)
        if kept is not None:
            content, content_type = kept
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)

        def keep(response):
            if response.status_code == 200 and not response.cookies and not response.streaming:
                put("html", parts, (response.content, response["Content-Type"]))
            return response

        if hasattr(response, "add_post_render_callback"):
            response.add_post_render_callback(keep)
            return response
        return keep(response)

    return serve


def data_changed(sender, using="default", **kwargs):
    if kwargs.get("action", "post_").startswith("pre_"):
        return  # m2m_changed: the post_ signal follows
    new_generation()
    transaction.on_commit(new_generation, using=using, robust=True)


def connect():
    """Watch every model of the knowledge base; called once from ProgramsConfig.ready()."""
    for model in apps.get_app_config("programs").get_models(include_auto_created=True):
        if model._meta.model_name.startswith("historical"):
            continue  # a history row goes with a change of its record, which is watched
        uid = f"programs.caching.{model._meta.label_lower}"
        # Rows of a many-to-many table, explicit join records included, may be added in bulk
        # (`initiative.topics.add(…)`), which only m2m_changed tells of.
        m2m_changed.connect(data_changed, sender=model, dispatch_uid=f"{uid}.m2m")
        if not model._meta.auto_created:
            post_save.connect(data_changed, sender=model, dispatch_uid=f"{uid}.save")
            post_delete.connect(data_changed, sender=model, dispatch_uid=f"{uid}.delete")
