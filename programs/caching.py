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

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

GENERATION_KEY = "atlas:generation"
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
        if model._meta.auto_created:
            m2m_changed.connect(data_changed, sender=model, dispatch_uid=f"{uid}.m2m")
        else:
            post_save.connect(data_changed, sender=model, dispatch_uid=f"{uid}.save")
            post_delete.connect(data_changed, sender=model, dispatch_uid=f"{uid}.delete")
