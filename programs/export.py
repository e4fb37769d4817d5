"""Every list as CSV rows: the whole result set of a list, streamed in chunks.

Each row starts with the record's id, its name and the address of its page, and ends with its
sources: the titles of the published sources whose passages support it (for an initiative, also
the tracks, topics, countries, institutions and people its row names).

Initiatives are read as plain values, CHUNK at a time, with the published names linked to each
chunk in one query per relation: 7 queries per CHUNK initiatives, and no model instances to build.
The other kinds are smaller: records with their foreign keys, and a query per chunk for each
many-to-many column and for the sources.

The whole table of initiatives is written once per generation of the data to a file
(`generation_file`), which every later request is served from.
"""

import fcntl
import gzip
import hashlib
import os
import threading
from collections import defaultdict
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Value

from diplomacy.limits import set_bounded

from . import caching
from .models import (
    SUBJECT_OF_MODEL,
    Citation,
    Country,
    Event,
    Frequency,
    InitiativeCountry,
    InitiativeInstitution,
    InitiativeKind,
    InitiativePerson,
    InitiativeStatus,
    InitiativeTopic,
    InitiativeTrack,
    Institution,
    Person,
    Source,
    Statistic,
    Topic,
    Track,
)

CHUNK = 2000
# Excel reads a CSV file as UTF-8 only when it starts with a byte order mark.
BOM = "\ufeff"

COLUMNS = [
    "id",
    "name",
    "url",
    "kind",
    "tracks",
    "start",
    "end",
    "status",
    "frequency",
    "places",
    "countries",
    "topics",
    "institutions",
    "people",
    "summary",
    "sources",
]
FIELDS = ["pk", "slug", "name", "kind", "start", "end", "status", "frequency", "places", "summary"]
LABELS = {
    "kind": dict(InitiativeKind.choices),
    "status": dict(InitiativeStatus.choices),
    "frequency": dict(Frequency.choices),
}


class Echo:
    """A file-like object whose write() hands the line back, for streaming csv.writer rows."""

    def write(self, value):
        return value


def spreadsheet_safe(value):
    """Text a spreadsheet will not run as a formula."""
    value = str(value)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _sources(ids, subject, links=None):
    """{record id: "title; title"} of the published sources of the records `ids` of CITABLE's kind
    `subject`, and of their `links` ({link model: {link id: record id}}): one query, a part for
    the records and one for each kind of link, each through its foreign key's index."""
    quoted = Citation.objects.published().order_by()
    owners = {subject: {pk: pk for pk in ids}}  # citation field → {its id: the record's}
    owners.update((SUBJECT_OF_MODEL[model], owner) for model, owner in (links or {}).items())
    fields = list(owners)
    parts = [
        quoted.filter(**{f"{field}_id__in": list(owners[field])}).values_list(
            Value(number), f"{field}_id", "source__title"
        )
        for number, field in enumerate(fields)
    ]
    titles = defaultdict(set)
    for number, pk, title in parts[0].union(*parts[1:], all=True):
        titles[owners[fields[number]][pk]].add(title)
    return {record: "; ".join(sorted(found)) for record, found in titles.items()}


def _linked(ids, through, other, order):
    """({initiative id: "name; name"}, {link id: initiative id}) of the published records linked
    through `through`."""
    names, pks = defaultdict(list), {}
    rows = through.objects.published_from("initiative").filter(initiative_id__in=ids).order_by(*order)
    for pk, initiative, name in rows.values_list("pk", "initiative_id", f"{other}__name"):
        names[initiative].append(name)
        pks[pk] = initiative
    return {initiative: "; ".join(values) for initiative, values in names.items()}, pks


def _roles(ids, through, other):
    """({initiative id: "name (role); …"}, {link id: initiative id}) of the published
    institutions or people and their roles."""
    names, pks = defaultdict(list), {}
    labels = dict(through._meta.get_field("role").choices)
    rows = (
        through.objects.published_from("initiative")
        .filter(initiative_id__in=ids)
        .in_role_order(f"{other}__name", first=["initiative_id"])
    )
    for pk, initiative, name, role in rows.values_list("pk", "initiative_id", f"{other}__name", "role"):
        names[initiative].append(f"{name} ({labels[role].lower()})")
        pks[pk] = initiative
    return {initiative: "; ".join(values) for initiative, values in names.items()}, pks


def batched(iterable, size):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def initiative_rows(initiatives, url_of):
    """The header, then one row per initiative of `initiatives`, in its order.

    `url_of(slug)` gives the address of an initiative's page.
    """
    yield COLUMNS
    rows = initiatives.values_list(*FIELDS).iterator(chunk_size=CHUNK)
    for chunk in batched(rows, CHUNK):
        ids = [row[0] for row in chunk]
        links = {}  # link model → {link id: initiative id} of the chunk's published links
        tracks, links[InitiativeTrack] = _linked(
            ids, InitiativeTrack, "track", ["track__rank", "track__name"]
        )
        topics, links[InitiativeTopic] = _linked(ids, InitiativeTopic, "topic", ["topic__name"])
        countries, links[InitiativeCountry] = _linked(ids, InitiativeCountry, "country", ["country__name"])
        institutions, links[InitiativeInstitution] = _roles(ids, InitiativeInstitution, "institution")
        people, links[InitiativePerson] = _roles(ids, InitiativePerson, "person")
        sources = _sources(ids, "initiative", links)
        for pk, slug, name, kind, start, end, status, frequency, places, summary in chunk:
            values = [
                pk,
                name,
                url_of(slug),
                LABELS["kind"].get(kind, kind),
                tracks.get(pk, ""),
                start,
                end,
                LABELS["status"].get(status, status),
                LABELS["frequency"].get(frequency, frequency),
                places,
                countries.get(pk, ""),
                topics.get(pk, ""),
                institutions.get(pk, ""),
                people.get(pk, ""),
                summary,
                sources.get(pk, ""),
            ]
            yield [spreadsheet_safe(value) for value in values]


# ---------------------------------------------------------------------------------------------
# The other kinds of record


@dataclass(frozen=True)
class Column:
    """A column of a kind's CSV: its header and the field it shows, shown in a given way."""

    header: str
    field: str = ""
    show: str = "text"  # text, lines, choice, record (a foreign key), records (many-to-many)

    def value(self, record, linked_names):
        value = getattr(record, self.field or self.header, "")
        if self.show == "choice":
            return getattr(record, f"get_{self.field or self.header}_display")()
        if self.show == "lines":  # one value a line in the database, "; " between them here
            return "; ".join(line.strip() for line in value.splitlines() if line.strip())
        if self.show == "record":  # a linked record's name, when it is public
            return str(value) if value is not None and value.is_published else ""
        if self.show == "records":
            return linked_names[self.field or self.header].get(record.pk, "")
        return "" if value is None else value


@dataclass(frozen=True)
class Export:
    """What a kind's CSV holds: the records' own columns, between the id, name and page address
    at the start and the sources at the end."""

    name: str  # the column that names the record
    columns: list
    related: tuple = ()  # foreign keys the columns read

    @property
    def header(self):
        return ["id", self.name, "url", *(column.header for column in self.columns), "sources"]


def text(header, field=""):
    return Column(header, field)


def choice(header):
    return Column(header, show="choice")


def lines(header):
    return Column(header, show="lines")


def linked(header):
    return Column(header, show="record")


def many(header):
    return Column(header, show="records")


# The published initiatives linked to the record: the count its list shows.
INITIATIVES = Column("initiatives", "initiative_count")

EXPORTS = {
    Institution: Export(
        "name",
        [
            text("acronym"),
            lines("other_names"),
            choice("kind"),
            linked("country"),
            text("city"),
            linked("parent"),
            text("description"),
            INITIATIVES,
        ],
        related=("country", "parent"),
    ),
    Person: Export("name", [lines("other_names"), text("description")]),
    Track: Export(
        "name",
        [
            text("definition"),
            text("origin"),
            text("origin_date"),
            many("coined_by"),
            linked("coined_in"),
            INITIATIVES,
        ],
        related=("coined_in",),
    ),
    Statistic: Export(
        "measure",
        [
            text("stated_value"),
            text("value"),
            choice("unit"),
            choice("precision"),
            choice("period"),
            text("period_start"),
            text("period_end"),
            linked("reported_by"),
            linked("reported_in"),
            linked("initiative"),
            linked("from_country"),
            linked("to_country"),
        ],
        related=("reported_by", "reported_in", "initiative", "from_country", "to_country"),
    ),
    Source: Export(
        "title",
        [
            choice("kind"),
            linked("publisher"),
            many("authors"),
            text("date"),
            # "url" is the address of the record's page in every CSV; this is the source's own.
            text("document_url", "url"),
            text("description"),
        ],
        related=("publisher",),
    ),
    Topic: Export("name", [text("description"), INITIATIVES]),
    Country: Export("name", [lines("other_names"), INITIATIVES]),
    Event: Export(
        "name",
        [
            linked("initiative"),
            text("date"),
            text("places"),
            text("description"),
            many("institutions"),
            many("people"),
        ],
        related=("initiative",),
    ),
}


def _many(model, field, ids):
    """{record id: "name; name"} of the published records of a many-to-many field."""
    relation = model._meta.get_field(field)
    through = relation.remote_field.through
    mine, theirs = relation.m2m_field_name(), relation.m2m_reverse_field_name()
    rows = (
        through.objects.filter(**{f"{mine}__in": ids, f"{theirs}__is_published": True})
        .order_by(f"{theirs}__name")
        .values_list(f"{mine}_id", f"{theirs}__name")
    )
    names = defaultdict(list)
    for record, name in rows:
        names[record].append(name)
    return {record: "; ".join(found) for record, found in names.items()}


def record_rows(records, url_of):
    """The header, then one row per record of `records` (a list's queryset), in its order.

    `url_of(slug)` gives the address of a record's page.
    """
    export = EXPORTS[records.model]
    yield export.header
    subject = SUBJECT_OF_MODEL[records.model]
    many_fields = [column.field or column.header for column in export.columns if column.show == "records"]
    rows = records.select_related(*export.related).iterator(chunk_size=CHUNK)
    for chunk in batched(rows, CHUNK):
        ids = [record.pk for record in chunk]
        linked_names = {name: _many(records.model, name, ids) for name in many_fields}
        sources = _sources(ids, subject)
        for record in chunk:
            values = [
                record.pk,
                getattr(record, export.name),
                url_of(record.slug),
                *(column.value(record, linked_names) for column in export.columns),
                sources.get(record.pk, ""),
            ]
            yield [spreadsheet_safe(value) for value in values]


def generation_file(name, parts, write, *, aside=lambda: False):
    """An open binary file of `name` for this generation of the data and these `parts`, made
    once by `write(text_file)` in settings.EXPORT_DIR, gzip-compressed (a CSV shrinks about
    tenfold: it is sent as it is stored to every client that accepts gzip); None when nothing is
    cached (DJANGO_CACHE=off).

    One process of the host writes it while the others wait for it (an exclusive lock of the
    name's, so that one list's long export never holds up another's), so simultaneous first
    requests run the export once. The file appears complete or
    not at all (written aside, then renamed); files of older generations are removed then, which
    leaves any download of them in progress intact.

    When the file is not made yet and `aside()` says so, it is made by a thread of this process
    (unless one is making it already) and MAKING is returned at once: a large export need not
    hold the request, nor outlast the web server's worker time-out.
    """
    current = caching.generation()
    if not current:
        return None  # a dummy cache keeps no generation: every export would look current
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=8).hexdigest()
    directory = Path(settings.EXPORT_DIR)
    path = directory / f"{name}-{current}-{digest}.csv.gz"
    try:
        return path.open("rb")
    except FileNotFoundError:
        pass
    directory.mkdir(parents=True, exist_ok=True)
    if aside():
        threading.Thread(
            target=_made_aside, args=(directory, name, path, current, write), daemon=True
        ).start()
        return MAKING
    with (directory / f".{name}.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _make(directory, name, path, current, write)
        return path.open("rb")


MAKING = "making"  # what generation_file() returns while a thread makes the file


def _made_aside(directory, name, path, current, write):
    """Make the file in this thread, unless another thread or process holds the lock (making it);
    its statements run unbounded (diplomacy.limits), like a management command's."""
    try:
        with (directory / f".{name}.lock").open("a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return  # being made
            connections[DEFAULT_DB_ALIAS].ensure_connection()
            set_bounded(False)
            _make(directory, name, path, current, write)
    finally:
        connections.close_all()  # this thread's own


def _make(directory, name, path, current, write):
    """Write the file, holding the lock, unless another process made it meanwhile."""
    if path.exists():
        return
    for stale in directory.glob(f"{name}-*.part"):  # left by a process killed while writing
        stale.unlink(missing_ok=True)
    part = path.with_name(f"{path.name}.{os.getpid()}.part")
    try:
        # Level 6: the initiatives' 107 MB at 100,000 → 10.9 MB in 1.5 s; 9 is 2% smaller, in 2.0 s.
        with gzip.open(part, "wt", encoding="utf-8", newline="", compresslevel=6) as file:
            write(file)
        part.replace(path)
    finally:
        part.unlink(missing_ok=True)
    for old in directory.glob(f"{name}-*.csv.gz"):
        if not old.name.startswith(f"{name}-{current}-"):
            old.unlink(missing_ok=True)
