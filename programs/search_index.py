"""Keeps the stored search document of every record fresh (what goes in it: programs.search.weights;
where it lives on each database: programs.search.backends).

A record's document is built from its own fields, plus, for an initiative, the names of the
published institutions, people and topics it links to (`related_names`, so that searching an
institution's name finds its initiatives), and for a statistic the name of the published body
that reported it.

A record saved is indexed at once, in its own transaction, so it is found before that commits.
Whatever changes the linked names in other documents — a role of an institution or a person in
an initiative, its topics, the names or published flag of a linked record (other edits of a
linked record do not count: saving a big institution's description reindexes nothing but the
institution) — schedules the records concerned; they are reindexed once, when the transaction
commits. Every write of a document starts a new generation of the page cache (programs.caching)
after it. Writes that send no signals (bulk_create, QuerySet.update, raw SQL) call `reindex()`;
`manage.py reindex` rebuilds every document.
"""

import threading
from collections import defaultdict
from functools import cache

from django.apps import apps as global_apps
from django.db import connections, transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from . import caching
from .search.backends import backend_for
from .search.weights import DOCUMENTS, PARTS
from .search.words import fold

BATCH_SIZE = 1000


def _lines(*values):
    return [line.strip() for value in values for line in (value or "").splitlines() if line.strip()]


def _among(ids):
    return Q() if ids is None else Q(initiative__in=ids)


def related_names(ids, apps=global_apps, using="default"):
    """{initiative id: the names of the published records it links to, one per line}; of every
    initiative when `ids` is None."""
    InitiativeInstitution = apps.get_model("programs", "InitiativeInstitution")
    InitiativePerson = apps.get_model("programs", "InitiativePerson")
    Topics = apps.get_model("programs", "Initiative")._meta.get_field("topics").remote_field.through
    names = defaultdict(list)
    for initiative, *values in (
        InitiativeInstitution.objects.using(using)
        .filter(_among(ids), institution__is_published=True)
        .order_by("institution__name")
        .values_list("initiative_id", "institution__name", "institution__acronym", "institution__other_names")
    ):
        names[initiative] += _lines(*values)
    for initiative, *values in (
        InitiativePerson.objects.using(using)
        .filter(_among(ids), person__is_published=True)
        .order_by("person__name")
        .values_list("initiative_id", "person__name", "person__other_names")
    ):
        names[initiative] += _lines(*values)
    for initiative, name in (
        Topics.objects.using(using)
        .filter(_among(ids), topic__is_published=True)
        .order_by("topic__name")
        .values_list("initiative_id", "topic__name")
    ):
        names[initiative] += _lines(name)
    return {initiative: "\n".join(dict.fromkeys(lines)) for initiative, lines in names.items()}


def _reader(model, path):
    """(the paths to read for a field of the document, a function of their values to its text)."""
    name, _, rest = path.partition("__")
    field = model._meta.get_field(name)
    if rest:  # a linked record's field, searched while that record is published
        return [path, f"{name}__is_published"], lambda value, published: value if published else ""
    if field.choices:
        labels = {value: str(label) for value, label in field.flatchoices}
        return [path], lambda value: labels.get(value, value)
    return [path], lambda value: value


@cache
def _plan(model):
    """What a model's document reads: ([(weight, paths, convert)], the paths to read, near fields)."""
    spec = DOCUMENTS[model._meta.model_name]
    parts = [(weight, *_reader(model, field)) for weight in PARTS for field in spec.part(weight)]
    paths = ["pk", *dict.fromkeys(path for _, read, _ in parts for path in read)]
    return parts, paths, spec.near


def _document(model, values):
    """(pk, {weight: text}, near text) of a record, from `values(path)` of the paths it reads."""
    readers, _, near = _plan(model)
    texts = {weight: [] for weight in PARTS}
    for weight, paths, convert in readers:
        value = convert(*(values(path) for path in paths))
        if value:
            texts[weight].append(value)
    parts = {weight: fold("\n".join(found)) for weight, found in texts.items()}
    return values("pk"), parts, " ".join(fold(values(field)) for field in near if values(field))


def _batches(model, paths, ids, using):
    """The rows (as {path: value}) of the records with these ids, or of all records, in batches."""
    records = model._default_manager.using(using).order_by("pk")
    if ids is None:  # one pass over the table, not a lookup per batch
        batch = []
        for row in records.values_list(*paths).iterator(chunk_size=BATCH_SIZE):
            batch.append(dict(zip(paths, row, strict=True)))
            if len(batch) == BATCH_SIZE:
                yield batch
                batch = []
        if batch:
            yield batch
        return
    ids = sorted({pk for pk in ids if pk is not None})
    for offset in range(0, len(ids), BATCH_SIZE):
        wanted = ids[offset : offset + BATCH_SIZE]
        rows = records.filter(pk__in=wanted).values_list(*paths)
        yield [dict(zip(paths, row, strict=True)) for row in rows]


def documents(model, ids, *, using="default", names=None):
    """[(pk, {weight: text}, near text)] of the records of `model` with these ids.

    `names` gives initiatives' related names ({id: text}); without it the stored column is read.
    """
    found = []
    for batch in _batches(model, _plan(model)[1], ids, using):
        for row in batch:
            if names is not None:
                row["related_names"] = names.get(row["pk"], "")
            found.append(_document(model, row.get))
    return found


def _own_document(instance):
    """The document of a record just saved, from the instance: no query but for a linked record."""

    def values(path):
        value = instance
        for name in path.split("__"):
            value = getattr(value, name, None) if value is not None else None
        return value

    return _document(type(instance), values)


def reindex(ids=None, *, kind=None, apps=global_apps, using="default"):
    """Rebuild stored search documents; returns how many records were reindexed.

    By default every record of every kind; `kind` (a model name) narrows it to one kind, `ids` to
    these records (of `kind`, initiatives when no kind is given). Works in batches of BATCH_SIZE.
    `apps` lets a migration pass its historical models.
    """
    if kind is None and ids is not None:
        kind = "initiative"
    total = 0
    for name in [kind] if kind else DOCUMENTS:
        model = apps.get_model("programs", name)
        backend = backend_for(model, using)
        if ids is None:
            backend.clear(using)
        # An initiative's linked names: all at once for a full rebuild (three scans of the links).
        everyone = None
        if name == "initiative" and ids is None:
            everyone = related_names(None, apps=apps, using=using)
        found = set()
        for batch in _batches(model, _plan(model)[1], ids, using):
            batch_ids = [row["pk"] for row in batch]
            if name == "initiative":
                names = everyone if everyone is not None else related_names(batch_ids, apps=apps, using=using)
                _keep_related_names(model, batch, names, using)
            backend.store(using, batch_ids, [_document(model, row.get) for row in batch])
            found.update(batch_ids)
        if ids is not None and set(ids) - found:
            backend.forget(using, set(ids) - found)  # records deleted since
        total += len(found)
    caching.changed(using)  # what searches find changed, after whatever else did
    return total


def _keep_related_names(model, rows, names, using):
    """Store on the initiatives of `rows` their related names where they changed, and put the new
    names in the rows (the column is read by nothing but the index, kept so that a record's
    document can be rebuilt from its row alone)."""
    changed = []
    for row in rows:
        new = names.get(row["pk"], "")
        if row["related_names"] != new:
            row["related_names"] = new
            changed += [row["pk"], new]
    if not changed:
        return
    # One UPDATE from a list of values (PostgreSQL, SQLite 3.33+): bulk_update's CASE of a branch
    # per row took 1.0 s a batch of 2,000 at 100,000 initiatives, mostly building it; this 0.3 s.
    table = model._meta.db_table
    values = ", ".join(["(%s, %s)"] * (len(changed) // 2))
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET related_names = v.column2 "  # noqa: S608 (the table's name is ours)
            f"FROM (VALUES {values}) AS v WHERE {table}.id = v.column1",
            changed,
        )


# ---------------------------------------------------------------------------------------------
# Keeping it fresh: changes are collected per thread and reindexed when the transaction commits.

_pending = threading.local()


def schedule(ids, using="default", kind="initiative"):
    """Reindex these records when the current transaction commits (at once outside one).

    `ids` is a list of ids of `kind`, or {kind: ids}.
    """
    wanted = ids if isinstance(ids, dict) else {kind: ids}
    wanted = {name: {pk for pk in pks if pk is not None} for name, pks in wanted.items()}
    if not any(wanted.values()):
        return
    if not hasattr(_pending, "ids"):
        _pending.ids = defaultdict(set)
    for name, pks in wanted.items():
        _pending.ids[name] |= pks
    # One callback per change; the first to run does the work. Ids left by a rolled-back
    # transaction are reindexed with the next commit, which is harmless.
    transaction.on_commit(lambda: flush(using), using=using, robust=True)


def flush(using="default"):
    pending, _pending.ids = getattr(_pending, "ids", {}), defaultdict(set)
    for name, ids in pending.items():
        if ids:
            reindex(ids, kind=name, using=using)


def record_saved(sender, instance, using, raw=False, update_fields=None, **kwargs):
    """A record's own document, rebuilt in its transaction (an initiative's linked names as last
    indexed: what changes them reindexes it on commit); a fixture's, once it is all loaded."""
    name = sender._meta.model_name
    read = {field.split("__")[0] for field in DOCUMENTS[name].fields}
    if update_fields is not None and not read & {sender._meta.get_field(f).name for f in update_fields}:
        return  # publishing, say: the document holds none of it
    if raw:
        schedule([instance.pk], using, kind=name)
    elif read & instance.get_deferred_fields():
        reindex([instance.pk], kind=name, using=using)  # what the instance lacks is read
    else:
        backend_for(sender, using).store(using, [instance.pk], [_own_document(instance)])
        caching.changed(using)  # whichever receiver told of the save first


def record_deleted(sender, instance, using, **kwargs):
    backend_for(sender, using).forget(using, [instance.pk])
    caching.changed(using)


def role_changed(sender, instance, using, **kwargs):
    schedule([instance.initiative_id], using)


# The fields of a linked record that go into other records' documents, and the records whose
# documents hold them: {model: (fields, {kind: lookup from that kind to the linked record})}.
LINKED = {
    "institution": (
        ("name", "acronym", "other_names", "is_published"),
        {"initiative": "institutions", "statistic": "reported_by"},
    ),
    "person": (("name", "other_names", "is_published"), {"initiative": "people"}),
    "topic": (("name", "is_published"), {"initiative": "topics"}),
}


def _linked(instance):
    """{kind: ids} of the records whose documents hold a linked record's names."""
    _, kinds = LINKED[instance._meta.model_name]
    return {
        kind: list(
            global_apps.get_model("programs", kind)
            ._default_manager.filter(**{lookup: instance})
            .values_list("pk", flat=True)
        )
        for kind, lookup in kinds.items()
    }


def linked_record_saving(sender, instance, using, update_fields=None, **kwargs):
    """Before a linked record is saved: reindex the records that hold it if a searched field changes."""
    fields, _ = LINKED[sender._meta.model_name]
    if instance.pk is None or (update_fields is not None and not set(fields) & set(update_fields)):
        return
    stored = sender._default_manager.using(using).filter(pk=instance.pk).values(*fields).first()
    if stored is not None and any(stored[field] != getattr(instance, field) for field in fields):
        schedule(_linked(instance), using)


def linked_record_deleting(sender, instance, using, **kwargs):
    schedule(_linked(instance), using)


def relations_changed(sender, instance, action, reverse, pk_set, using, **kwargs):
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if not reverse:
        schedule([instance.pk], using)
    elif action == "pre_clear":
        schedule(_linked(instance), using)
    else:
        schedule(pk_set or [], using)


def connect():
    """Connect the signal handlers; called once from ProgramsConfig.ready()."""
    Initiative = global_apps.get_model("programs", "Initiative")
    uid = "programs.search_index"
    for name in DOCUMENTS:
        model = global_apps.get_model("programs", name)
        post_save.connect(record_saved, sender=model, dispatch_uid=f"{uid}.record.{name}")
        post_delete.connect(record_deleted, sender=model, dispatch_uid=f"{uid}.record_delete.{name}")
    for model_name in ("InitiativeInstitution", "InitiativePerson", "InitiativeTopic"):
        model = global_apps.get_model("programs", model_name)
        post_save.connect(role_changed, sender=model, dispatch_uid=f"{uid}.save.{model_name}")
        post_delete.connect(role_changed, sender=model, dispatch_uid=f"{uid}.delete.{model_name}")
    for model_name in LINKED:
        model = global_apps.get_model("programs", model_name)
        pre_save.connect(linked_record_saving, sender=model, dispatch_uid=f"{uid}.save.{model_name}")
        # Before deletion, while the links that go with it can still be read.
        pre_delete.connect(linked_record_deleting, sender=model, dispatch_uid=f"{uid}.delete.{model_name}")
    for field in ("topics", "institutions", "people"):
        through = Initiative._meta.get_field(field).remote_field.through
        m2m_changed.connect(relations_changed, sender=through, dispatch_uid=f"{uid}.m2m.{field}")
