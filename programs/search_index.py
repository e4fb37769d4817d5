"""Keeps the stored search document of each initiative fresh.

An initiative's document is its own text plus the names of the published institutions, people
and topics it links to (`related_names`), so that searching an institution's name finds its
initiatives. On PostgreSQL the document is a weighted tsvector (`search_vector`): A its name and
other names, B its summary and related names, C its description.

Whatever changes a document — the initiative, a role of an institution or a person in it, its
topics, or the names or published flag of a linked record (other edits of a linked record do not
count: saving a big institution's description reindexes nothing) — schedules the initiatives
concerned; they are reindexed once, when the transaction commits. `manage.py reindex` rebuilds
them all.
"""

import threading
from collections import defaultdict

from django.apps import apps as global_apps
from django.contrib.postgres.search import SearchVector
from django.db import connections, transaction
from django.db.models import TextField
from django.db.models.expressions import RawSQL
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

CONFIG = "english"
BATCH_SIZE = 1000


def search_vector(related_names="related_names"):
    """The weighted document; `related_names` may be another expression for those names."""
    return (
        SearchVector("name", "other_names", weight="A", config=CONFIG)
        + SearchVector("summary", related_names, weight="B", config=CONFIG)
        + SearchVector("description", weight="C", config=CONFIG)
    )


def _lines(*values):
    return [line.strip() for value in values for line in (value or "").splitlines() if line.strip()]


def related_names(ids, apps=global_apps, using="default"):
    """{initiative id: the names of the published records it links to, one per line}."""
    InitiativeInstitution = apps.get_model("programs", "InitiativeInstitution")
    InitiativePerson = apps.get_model("programs", "InitiativePerson")
    Topics = apps.get_model("programs", "Initiative")._meta.get_field("topics").remote_field.through
    names = defaultdict(list)
    for initiative, *values in (
        InitiativeInstitution.objects.using(using)
        .filter(initiative__in=ids, institution__is_published=True)
        .order_by("institution__name")
        .values_list("initiative_id", "institution__name", "institution__acronym", "institution__other_names")
    ):
        names[initiative] += _lines(*values)
    for initiative, *values in (
        InitiativePerson.objects.using(using)
        .filter(initiative__in=ids, person__is_published=True)
        .order_by("person__name")
        .values_list("initiative_id", "person__name", "person__other_names")
    ):
        names[initiative] += _lines(*values)
    for initiative, name in (
        Topics.objects.using(using)
        .filter(initiative__in=ids, topic__is_published=True)
        .order_by("topic__name")
        .values_list("initiative_id", "topic__name")
    ):
        names[initiative] += _lines(name)
    return {initiative: "\n".join(dict.fromkeys(lines)) for initiative, lines in names.items()}


def reindex(ids=None, *, apps=global_apps, using="default"):
    """Rebuild the search document of the initiatives with these ids (all when None).

    Returns how many were reindexed. `apps` lets a migration pass its historical models.
    """
    Initiative = apps.get_model("programs", "Initiative")
    initiatives = Initiative._default_manager.using(using).order_by("pk")
    if ids is not None:
        initiatives = initiatives.filter(pk__in=list(ids))
    all_ids = list(initiatives.values_list("pk", flat=True))
    postgres = connections[using].vendor == "postgresql"
    for offset in range(0, len(all_ids), BATCH_SIZE):
        batch = all_ids[offset : offset + BATCH_SIZE]
        names = related_names(batch, apps=apps, using=using)
        if postgres:
            _write_documents_postgresql(Initiative, batch, names, using)
            continue
        rows = list(Initiative._default_manager.using(using).filter(pk__in=batch).only("pk", "related_names"))
        changed = [row for row in rows if row.related_names != names.get(row.pk, "")]
        for row in changed:
            row.related_names = names.get(row.pk, "")
        Initiative._default_manager.using(using).bulk_update(changed, ["related_names"])
    return len(all_ids)


def _write_documents_postgresql(Initiative, batch, names, using):
    """The related names and the vector of a batch in one set-based UPDATE, each row written
    once: the vector is computed from the new names (`new.names`), not the stored ones."""
    connection = connections[using]
    query = Initiative._default_manager.using(using).all().query
    vector = search_vector(related_names=RawSQL("new.names", (), output_field=TextField()))
    vector_sql, params = query.get_compiler(using=using).compile(vector.resolve_expression(query))
    qn = connection.ops.quote_name
    table, pk = qn(Initiative._meta.db_table), qn(Initiative._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {qn('related_names')} = new.names, {qn('search_vector')} = {vector_sql} "  # noqa: S608
            f"FROM unnest(%s::bigint[], %s::text[]) AS new(id, names) WHERE {table}.{pk} = new.id",
            [*params, batch, [names.get(pk, "") for pk in batch]],
        )


# ---------------------------------------------------------------------------------------------
# Keeping it fresh: changes are collected per thread and reindexed when the transaction commits.

_pending = threading.local()


def schedule(ids, using="default"):
    """Reindex these initiatives when the current transaction commits (at once outside one)."""
    ids = {pk for pk in ids if pk is not None}
    if not ids:
        return
    if not hasattr(_pending, "ids"):
        _pending.ids = set()
    _pending.ids |= ids
    # One callback per change; the first to run does the work. Ids left by a rolled-back
    # transaction are reindexed with the next commit, which is harmless.
    transaction.on_commit(lambda: flush(using), using=using, robust=True)


def flush(using="default"):
    ids, _pending.ids = getattr(_pending, "ids", set()), set()
    if ids:
        reindex(ids, using=using)


def _linked(instance):
    """The ids of the initiatives linked to an institution, a person or a topic."""
    return list(instance.initiatives.values_list("pk", flat=True))


def initiative_saved(sender, instance, using, **kwargs):
    schedule([instance.pk], using)


def role_changed(sender, instance, using, **kwargs):
    schedule([instance.initiative_id], using)


# The fields of a linked record that go into its initiatives' documents.
SEARCHED_FIELDS = {
    "institution": ("name", "acronym", "other_names", "is_published"),
    "person": ("name", "other_names", "is_published"),
    "topic": ("name", "is_published"),
}


def linked_record_saving(sender, instance, using, update_fields=None, **kwargs):
    """Before a linked record is saved: reindex its initiatives if a searched field changes."""
    fields = SEARCHED_FIELDS[sender._meta.model_name]
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
    post_save.connect(initiative_saved, sender=Initiative, dispatch_uid=f"{uid}.initiative")
    for model_name in ("InitiativeInstitution", "InitiativePerson"):
        model = global_apps.get_model("programs", model_name)
        post_save.connect(role_changed, sender=model, dispatch_uid=f"{uid}.save.{model_name}")
        post_delete.connect(role_changed, sender=model, dispatch_uid=f"{uid}.delete.{model_name}")
    for model_name in ("Institution", "Person", "Topic"):
        model = global_apps.get_model("programs", model_name)
        pre_save.connect(linked_record_saving, sender=model, dispatch_uid=f"{uid}.save.{model_name}")
        # Before deletion, while the links that go with it can still be read.
        pre_delete.connect(linked_record_deleting, sender=model, dispatch_uid=f"{uid}.delete.{model_name}")
    for field in ("topics", "institutions", "people"):
        through = Initiative._meta.get_field(field).remote_field.through
        m2m_changed.connect(relations_changed, sender=through, dispatch_uid=f"{uid}.m2m.{field}")
