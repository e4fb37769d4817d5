"""Backups of the whole knowledge base, in two formats, each of which proves it is whole.

JSON Lines (`.jsonl`, `.jsonl.gz`), for any database: every record, user, group, admin log entry
and history row, one per line, then a closing manifest line written last:

    {"manifest": {"format": "track-ii-atlas", "version": 2, "counts": {"auth.group": 1, …},
                  "sha256": "…"}}

`counts` has the number of records of every model in the file, `sha256` the digest of every byte
before the manifest line (uncompressed, so a file and its gunzipped copy carry the same manifest).
Primary keys are kept; references go by primary key, except to the records that `migrate` makes
again with keys of its own (content types, permissions), which go by natural key.

PostgreSQL custom format (`.dump`): `pg_dump -Fc`, the whole database in one consistent snapshot,
and beside it `<name>.dump.manifest` (JSON), written last: the dump's SHA-256 and the number of
rows of every model, counted in the same snapshot as the dump.

`verify_jsonl` and `verify_pg_dump` read a whole file and raise Refused if it is not complete,
before anything touches the database; `restore_jsonl` and `restore_pg` then replace the
database's content with it.
"""

import gzip
import hashlib
import json
import os
import re
import subprocess
import tempfile
from collections import Counter
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.jsonl import Serializer as JSONLSerializer
from django.core.serializers.python import Deserializer
from django.db import connection, transaction
from django.db.backends.postgresql.client import DatabaseClient
from django.db.models import Prefetch

from programs import bulk_load, summary
from programs.progress import silent
from programs.search_index import reindex

FORMAT, VERSION = "track-ii-atlas", 2
# Made again by `migrate`, with keys of their own: not in a JSON Lines backup, referred to by
# natural key.
REMADE_BY_MIGRATE = {"contenttypes.contenttype", "auth.permission"}
# Derived from the records, as the search documents are: counted again by a restore.
DERIVED = {"programs.facetcount"}
# Not part of the knowledge base (sessions, login-attempt records): in no backup, emptied by a
# restore (in a custom-format dump, their tables without their rows).
LEFT_OUT_APPS = {"sessions", "axes"}
BATCH = 2000  # records read, and written, at a time
GZIP_MAGIC = b"\x1f\x8b"
RECORD_START = b'{"model": "'


class Refused(Exception):
    """The file is not a complete backup: nothing was done."""


class CountsDiffer(Exception):
    """After a restore, the database does not hold the records its manifest counts."""


def backed_up_models():
    """Every model of a JSON Lines backup, those referred to by natural key before the others."""
    app_list = [(config, None) for config in apps.get_app_configs() if config.label not in LEFT_OUT_APPS]
    return [
        model
        for model in serializers.sort_dependencies(app_list, allow_cycles=True)
        if model._meta.label_lower not in REMADE_BY_MIGRATE | DERIVED
        and not model._meta.proxy
        and model._meta.managed
    ]


def is_pg_dump(path):
    return Path(path).suffix == ".dump"


def manifest_path(dump):
    return Path(f"{dump}.manifest")


# ---------------------------------------------------------------------------------------------
# JSON Lines: writing


class ExactJSONEncoder(DjangoJSONEncoder):
    """Times to the microsecond: Django's encoder keeps milliseconds only, so a backup of a
    backup would differ from the first."""

    def default(self, o):
        if isinstance(o, datetime):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return super().default(o)


class BackupSerializer(JSONLSerializer):
    """One line a record, written whole, references by primary key but to REMADE_BY_MIGRATE."""

    def handle_fk_field(self, obj, field):
        self.use_natural_foreign_keys = field.related_model._meta.label_lower in REMADE_BY_MIGRATE
        super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj, field):
        self.use_natural_foreign_keys = field.related_model._meta.label_lower in REMADE_BY_MIGRATE
        super().handle_m2m_field(obj, field)

    def end_object(self, obj):
        self.stream.write(json.dumps(self.get_dump_object(obj), **self.json_kwargs) + "\n")
        self._current = None


def records_of(model):
    """The rows of `model` in primary-key order, with what their lines name loaded along (a few
    queries for all of them, where the plain serializer asks once per reference)."""

    def natural(field):
        return field.related_model._meta.label_lower in REMADE_BY_MIGRATE

    queryset = model._default_manager.order_by(model._meta.pk.name)
    for field in model._meta.concrete_fields:
        if field.many_to_one and natural(field):
            queryset = queryset.select_related(field.name)
    for field in model._meta.local_many_to_many:
        if field.remote_field.through._meta.auto_created:
            related = field.related_model._default_manager
            # A permission's natural key holds its content type's.
            related = related.select_related("content_type") if natural(field) else related.only("pk")
            queryset = queryset.prefetch_related(Prefetch(field.name, related))
    return queryset.iterator(chunk_size=BATCH)


class HashingWriter:
    """A text stream over a binary one that also hashes what goes through it."""

    def __init__(self, stream):
        self.stream, self.digest = stream, hashlib.sha256()

    def write(self, text):
        data = text.encode()
        self.digest.update(data)
        self.stream.write(data)


def write_jsonl(stream):
    """Every record to the binary `stream`, then the manifest, in one consistent snapshot."""
    writer, counts = HashingWriter(stream), {}
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        for model in backed_up_models():
            label = model._meta.label_lower
            counts[label] = 0

            def counted(rows, label=label):
                for row in rows:
                    counts[label] += 1
                    yield row

            BackupSerializer().serialize(
                counted(records_of(model)), stream=writer, use_natural_foreign_keys=True, cls=ExactJSONEncoder
            )
    manifest = {"format": FORMAT, "version": VERSION, "counts": counts, "sha256": writer.digest.hexdigest()}
    stream.write(json.dumps({"manifest": manifest}).encode() + b"\n")
    return counts


def write_jsonl_file(path):
    """A JSON Lines backup at `path`, gzip-compressed if its name ends in .gz; returns the counts."""
    with partial_file(path) as partial:
        # Level 6, gzip's own default; Python's 9 took 2.4 times as long for a 3.6% smaller file.
        compressed = path.suffix == ".gz"
        with gzip.open(partial, "wb", compresslevel=6) if compressed else open(partial, "wb") as stream:
            return write_jsonl(stream)


@contextmanager
def partial_file(path):
    """A file written under another name, that takes `path`'s only once it is whole."""
    partial = Path(f"{path}.partial")
    try:
        yield partial
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


# ---------------------------------------------------------------------------------------------
# JSON Lines: reading


def lines(path):
    """The lines of a backup as bytes, gzip-compressed or not (told by its first bytes)."""
    with open(path, "rb") as head:
        compressed = head.read(2) == GZIP_MAGIC
    with gzip.open(path, "rb") if compressed else open(path, "rb") as stream:
        yield from stream


def verify_jsonl(path):
    """The manifest of a complete JSON Lines backup at `path`; Refused if it is not one."""
    digest, counts, previous = hashlib.sha256(), Counter(), None
    try:
        for line in lines(path):
            if previous is not None:
                digest.update(previous)
                counts[label_of(previous)] += 1
            previous = line
    except (OSError, EOFError) as error:  # a gzip stream cut short or damaged
        raise Refused(f"{path} cannot be read to its end ({error}): it is damaged or incomplete.") from None
    if previous is None:
        raise Refused(f"{path} is empty.")
    try:
        manifest = json.loads(previous)["manifest"]
    except (ValueError, TypeError, KeyError):
        raise Refused(
            f"{path} does not end with a manifest: it is incomplete (cut short while being written "
            "or copied), or was not written by `manage.py backup`."
        ) from None
    check_format(manifest, path)
    if manifest["sha256"] != digest.hexdigest():
        raise Refused(f"{path}: the checksum does not match its manifest; the file was changed or damaged.")
    expected = {label: n for label, n in manifest["counts"].items() if n}
    if dict(counts) != expected:
        differences = ", ".join(
            f"{label or 'not a record'}: {counts.get(label, 0)} (manifest: {expected.get(label, 0)})"
            for label in sorted(expected.keys() | counts.keys(), key=str)
            if counts.get(label, 0) != expected.get(label, 0)
        )
        raise Refused(f"{path} does not hold the records its manifest counts: {differences}.")
    unknown = sorted(set(expected) - {model._meta.label_lower for model in backed_up_models()})
    if unknown:
        raise Refused(f"{path} holds records of models this version does not have: {', '.join(unknown)}.")
    return manifest


def label_of(line):
    """'app.model' of a record's line as the serializer writes it, or None."""
    if not line.startswith(RECORD_START):
        return None
    end = line.find(b'"', len(RECORD_START))
    return line[len(RECORD_START) : end].decode() if end > 0 else None


def check_format(manifest, path):
    if (
        not isinstance(manifest, dict)
        or manifest.get("format") != FORMAT
        or not isinstance(manifest.get("counts"), dict)
        or not isinstance(manifest.get("sha256"), str)
    ):
        raise Refused(f"{path}: its manifest is not one that `manage.py backup` writes.")
    if manifest.get("version") != VERSION:
        version = manifest.get("version")
        raise Refused(f"{path} is in version {version} of the backup format; this version reads {VERSION}.")


def restore_jsonl(path, manifest, progress=silent):
    """Replace the database's content with the records of a verified file, and build the search
    documents again (derived data, not in the file), in the caller's transaction. Raises if the
    file does not load whole (changed since it was verified, or not loadable into this
    database); the caller's transaction then rolls everything back."""
    stored = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.label_lower not in REMADE_BY_MIGRATE and model._meta.managed and not model._meta.proxy
    ]
    tables = [model._meta.db_table for model in stored]  # LEFT_OUT_APPS' too: emptied
    connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables, reset_sequences=True))
    # PostgreSQL: indexes and foreign keys built once at the end, not row by row.
    with bulk_load.foreign_keys_deferred(stored), bulk_load.indexes_deferred(stored):
        load(path, manifest, progress)
        bulk_load.analyze(stored)  # so that reindex's queries plan for the new rows
        progress("search documents", 0, 1)
        reindex()
        summary.rebuild()
        progress("search documents", 1, 1)
    check_counts(path, manifest, backed_up_models())


def load(path, manifest, progress=silent):
    digest, models = hashlib.sha256(), set()
    total, done = sum(manifest["counts"].values()), 0

    def records():
        previous = None
        for line in lines(path):
            if previous is not None:
                digest.update(previous)
                yield json.loads(previous)
            previous = line

    batch = []
    for item in Deserializer(records()):
        if batch and (type(item.object) is not type(batch[0].object) or len(batch) == BATCH):
            insert(batch)
            done += len(batch)
            progress("records", done, total)
            batch = []
        batch.append(item)
        models.add(type(item.object))
    if batch:
        insert(batch)
    progress("records", total, total)
    if digest.hexdigest() != manifest["sha256"]:
        raise Refused(f"{path} changed while it was being restored.")
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(sql)


def check_counts(path, manifest, models):
    counts = {model._meta.label_lower: model._base_manager.count() for model in models}
    differences = ", ".join(
        f"{label}: {n} (manifest: {manifest['counts'].get(label, 0)})"
        for label, n in counts.items()
        if n != manifest["counts"].get(label, 0)
    )
    if differences:
        raise CountsDiffer(
            f"After restoring {path}, the database's counts differ from the manifest's: {differences}."
        )


def insert(batch):
    """Write deserialized records of one model and their many-to-many rows, as they are.

    `QuerySet._insert(raw=True)` is what `Model.save(raw=True)` (loaddata) does, for many rows
    per statement; bulk_create would stamp auto_now fields with the time of the restore.
    """
    model, objects = type(batch[0].object), [item.object for item in batch]
    write(model, model._meta.local_concrete_fields, objects)
    for field in model._meta.local_many_to_many:
        through = field.remote_field.through
        if not through._meta.auto_created:
            continue
        source = through._meta.get_field(field.m2m_field_name())
        target = through._meta.get_field(field.m2m_reverse_field_name())
        rows = [
            through(**{source.attname: item.object.pk, target.attname: pk})
            for item in batch
            for pk in item.m2m_data.get(field.name, ())
        ]
        write(through, [source, target], rows)


def write(model, fields, objects):
    if not objects:
        return
    size = connection.ops.bulk_batch_size(fields, objects)
    for start in range(0, len(objects), size):
        model._base_manager._insert(objects[start : start + size], fields=fields, raw=True)


# ---------------------------------------------------------------------------------------------
# PostgreSQL custom format


def libpq_environment():
    """The default database's connection settings for pg_dump and pg_restore, as libpq reads
    them from the environment (so that no password appears on a command line)."""
    settings = connection.settings_dict
    _, env = DatabaseClient.settings_to_cmd_args_env(settings, [])
    env = {**os.environ, **(env or {})}
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGDATABASE", "NAME")):
        if settings.get(key):
            env[variable] = str(settings[key])
    return env


def run(command):
    result = subprocess.run(command, env=libpq_environment(), capture_output=True, text=True)  # noqa: S603
    if result.returncode:
        raise RuntimeError(f"{command[0]} failed: {result.stderr.strip() or result.stdout.strip()}")
    return result.stdout


def dumped_models():
    """The models whose rows a custom-format dump holds: every one but LEFT_OUT_APPS'."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label not in LEFT_OUT_APPS and model._meta.managed and not model._meta.proxy
    ]


def write_pg_dump(path):
    """`pg_dump -Fc` of the database to `path`, then its manifest beside it; returns the counts.

    The rows are counted in an open transaction whose snapshot pg_dump is given, so the counts
    are those of the dump exactly.
    """
    left_out = [
        f"--exclude-table-data={model._meta.db_table}"
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in LEFT_OUT_APPS
    ]
    with partial_file(path) as partial:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = {model._meta.label_lower: model._base_manager.count() for model in dumped_models()}
            run(["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={partial}", *left_out])
        manifest = {"format": FORMAT, "version": VERSION, "counts": counts, "sha256": file_sha256(partial)}
        manifest_path(path).unlink(missing_ok=True)  # an older dump's, if this one replaces it
    with partial_file(manifest_path(path)) as partial:
        partial.write_text(json.dumps(manifest, indent=1) + "\n")
    return counts


def file_sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def verify_pg_dump(path):
    """The manifest of a complete custom-format dump; Refused if it is not one."""
    if connection.vendor != "postgresql":
        raise Refused(f"{path} is a PostgreSQL dump; this database is {connection.vendor}.")
    manifest_file = manifest_path(path)
    try:
        manifest = json.loads(manifest_file.read_text())
    except FileNotFoundError:
        raise Refused(
            f"{path} has no manifest ({manifest_file.name}, written last by `manage.py backup`): "
            "the backup did not finish, or the manifest was not copied with it."
        ) from None
    except ValueError:
        raise Refused(f"{manifest_file} is not a manifest that `manage.py backup` writes.") from None
    check_format(manifest, manifest_file)
    if file_sha256(path) != manifest["sha256"]:
        raise Refused(f"{path}: the checksum does not match its manifest; the file was changed or damaged.")
    try:
        run(["pg_restore", "--list", str(path)])  # its table of contents, which pg_restore can read
    except RuntimeError as error:
        raise Refused(f"{path} is not a dump pg_restore can read: {error}") from None
    return manifest


# The extension (pg_trgm) is made by `migrate`; dropping it needs rights a restore need not have.
EXTENSION_ENTRY = re.compile(r"^\d+; \d+ \d+ (COMMENT - )?EXTENSION ")


def restore_pg(path, manifest, progress=silent):
    """pg_restore the verified dump into the database, in one transaction; then check the counts."""
    progress("pg_restore", 0, 1)
    contents = run(["pg_restore", "--list", str(path)])
    with tempfile.NamedTemporaryFile("w", suffix=".list") as listing:
        listing.write("".join(line for line in contents.splitlines(True) if not EXTENSION_ENTRY.match(line)))
        listing.flush()
        run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--single-transaction",
                "--exit-on-error",
                f"--use-list={listing.name}",
                f"--dbname={connection.settings_dict['NAME']}",
                str(path),
            ]
        )
    progress("pg_restore", 1, 1)
    bulk_load.analyze(dumped_models())  # a dump carries no planner statistics
    check_counts(path, manifest, dumped_models())
