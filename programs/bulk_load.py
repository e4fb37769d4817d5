"""Writing many rows fast: COPY on PostgreSQL and `bulk_create` elsewhere, ids given by the
caller; on PostgreSQL the tables' secondary indexes and foreign keys dropped for the load and
built again after it.

Nothing here goes through a model's `save()`: no signals, so no history and no search-index
update. A caller that needs what those keep builds it itself afterwards.
"""

import csv
import io
import itertools
import json
import operator
from contextlib import contextmanager

from django.core.management.color import no_style
from django.db import connection, models
from django.utils import timezone

ROWS_PER_COPY = 50_000
# maintenance_work_mem while indexes are rebuilt: a million initiatives' largest index sorts
# in about this much.
INDEX_BUILD_MEMORY = "512MB"


def postgresql():
    return connection.vendor == "postgresql"


def quote(name):
    return connection.ops.quote_name(name)


def insert_records(model, objects):
    """Insert unsaved instances of `model`, their ids included, every concrete field as it is
    (`auto_now` and `auto_now_add` times set to now, as `save()` would)."""
    if not postgresql():
        model._default_manager.bulk_create(objects)
        return
    fields = model._meta.concrete_fields
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            now = field.pre_save(objects[0], add=True)  # one time for all, as one INSERT's
            for obj in objects:
                setattr(obj, field.attname, now)
    values = operator.attrgetter(*(f.attname for f in fields))
    copy(model, fields, map(values, objects))


def insert_rows(model, columns, rows):
    """Insert tuples of the fields named in `columns` ("person", not "person_id"); a table
    whose rows carry no id numbers them from its own sequence."""
    fields = [model._meta.get_field(name) for name in columns]
    if not postgresql():
        names = [f.attname for f in fields]
        model._default_manager.bulk_create(model(**dict(zip(names, row, strict=True))) for row in rows)
        return
    # The columns the tuples leave out but that cannot be empty get what save() would give them.
    filled = [
        field
        for field in model._meta.concrete_fields
        if field not in fields
        and not field.primary_key
        and not field.null
        and (
            getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False) or field.has_default()
        )
    ]
    if filled:
        now = timezone.now()
        values = tuple(
            now
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            else f.get_db_prep_value(f.get_default(), connection)
            for f in filled
        )
        values = tuple(json.dumps(v.adapted) if hasattr(v, "adapted") else v for v in values)
        fields, rows = [*fields, *filled], (tuple(row) + values for row in rows)
    copy(model, fields, rows)


def copy(model, fields, rows):
    """PostgreSQL: COPY rows into the model's table, in CSV, ROWS_PER_COPY at a time.

    In CSV an unquoted empty value is NULL: FORCE_NOT_NULL reads it as '' in the columns that
    cannot be NULL, which is how Django stores blank text. (A nullable text column would read
    '' as NULL; these models have none but the search vector, which is written NULL.)
    Values go as `str()` gives them, right for the numbers, text, booleans, UUIDs and times
    of this app's models.
    """
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    as_json = [index for index, f in enumerate(fields) if isinstance(f, models.JSONField)]
    if as_json:  # JSON in a JSON column, not Python's repr
        rows = (tuple(json.dumps(v) if k in as_json else v for k, v in enumerate(row)) for row in rows)
    not_null = ", ".join(quote(f.column) for f in fields if not f.null)
    options = f"FORMAT csv, FORCE_NOT_NULL ({not_null})" if not_null else "FORMAT csv"
    rows = iter(rows)
    with connection.cursor() as cursor:
        while chunk := list(itertools.islice(rows, ROWS_PER_COPY)):
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\n").writerows(chunk)
            buffer.seek(0)
            cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN WITH ({options})", buffer)


def first_free_ids(models):
    """{model: the first id after every id its table holds or its sequence has handed out}, so
    that rows given their ids by the caller reuse no id, not even a deleted row's."""
    free = {}
    with connection.cursor() as cursor:
        for model in models:
            table, pk = model._meta.db_table, model._meta.pk.column
            cursor.execute(f"SELECT max({quote(pk)}) FROM {quote(table)}")  # noqa: S608
            last = cursor.fetchone()[0] or 0
            if postgresql():
                cursor.execute(
                    "SELECT pg_sequence_last_value(pg_get_serial_sequence(%s, %s)::regclass)",
                    [quote(table), pk],
                )
            else:  # SQLite: AUTOINCREMENT keeps the highest id ever used here
                cursor.execute("SELECT max(seq) FROM sqlite_sequence WHERE name = %s", [table])
            last = max(last, cursor.fetchone()[0] or 0)
            free[model] = last + 1
    return free


def reset_sequences(models):
    """After rows were given their ids: make each table's sequence hand out ids after them.
    (SQLite's AUTOINCREMENT follows on its own.)"""
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


@contextmanager
def foreign_keys_deferred(models):
    """PostgreSQL: drop the foreign keys of the models' tables, and add them back at the end,
    in the same transaction.

    Adding a foreign key checks every row in one join, where the constraint would otherwise
    check each inserted or deleted row on its own (a queued trigger per row: most of the time
    of a large delete). A row left pointing at nothing makes adding it back fail, and the
    transaction with it. The tables are locked until the transaction ends.
    """
    if not postgresql():
        yield
        return
    with connection.cursor() as cursor:
        # A table with foreign-key checks pending (deferred to commit) cannot be altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            """
            SELECT conrelid::regclass::text, quote_ident(conname), pg_get_constraintdef(oid)
            FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])
            ORDER BY 1, 2
            """,
            [tables(models)],
        )
        foreign_keys = cursor.fetchall()
        for table, name, _ in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
    yield
    with connection.cursor() as cursor:
        for table, name, definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@contextmanager
def indexes_deferred(models):
    """PostgreSQL: drop the secondary indexes of the models' tables for a bulk load, and build
    them again after it, in the same transaction.

    Building an index over all rows at once is several times faster than updating it row by
    row (the GIN indexes of search above all). Primary keys and unique constraints stay. The
    tables are locked until the transaction ends; if anything fails, the transaction puts
    every index back as it was.
    """
    if not postgresql():
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary AND NOT i.indisunique
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            ORDER BY 1
            """,
            [tables(models)],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        # Sorting in memory rather than in temporary files; for this transaction only.
        cursor.execute(f"SET LOCAL maintenance_work_mem = '{INDEX_BUILD_MEMORY}'")
        for _, definition in indexes:
            cursor.execute(definition)


def tables(models):
    return [model._meta.db_table for model in models]


def analyze(models):
    """PostgreSQL: statistics of tables just filled, so that the next queries on them plan well
    (planned on a table's old size, a join over thousands of rows can take minutes)."""
    if postgresql():
        with connection.cursor() as cursor:
            for model in models:
                cursor.execute(f"ANALYZE {quote(model._meta.db_table)}")


def vacuum_analyze(models, rewrite=()):
    """PostgreSQL, after a bulk load or delete: reclaim the dead rows and refresh the planner's
    statistics, so the first queries plan well and scan no dead rows. Inside a transaction
    (tests) VACUUM is not allowed, and only ANALYZE runs.

    The tables of `rewrite`, whose every row was updated after it was written, are written
    anew (VACUUM FULL): a plain VACUUM leaves them twice their size, half of it free space that
    every scan of the whole table reads."""
    if not postgresql():
        return
    vacuum = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    full = "ANALYZE" if connection.in_atomic_block else "VACUUM (FULL, ANALYZE)"
    rewritten = {model._meta.db_table for model in rewrite}
    with connection.cursor() as cursor:
        for table in sorted(model._meta.db_table for model in models):
            cursor.execute(f"{full if table in rewritten else vacuum} {quote(table)}")
