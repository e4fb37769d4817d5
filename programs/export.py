"""Initiatives as CSV rows: the whole result set of a list, streamed in chunks.

Rows are read as plain values, CHUNK at a time, with the published names linked to each chunk in
one query per relation: 6 queries per CHUNK initiatives, and no model instances to build.

The whole table is written once per generation of the data to a file (`generation_file`), which
every later request is served from.
"""

import fcntl
import hashlib
import os
from collections import defaultdict
from itertools import islice
from pathlib import Path

from django.conf import settings

from . import caching
from .models import (
    Frequency,
    InitiativeCountry,
    InitiativeInstitution,
    InitiativeKind,
    InitiativePerson,
    InitiativeStatus,
    InitiativeTopic,
    InitiativeTrack,
)

CHUNK = 2000

COLUMNS = [
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


def _linked(ids, through, other, order):
    """{initiative id: "name; name"} of the published records linked through `through`."""
    names = defaultdict(list)
    rows = through.objects.published().filter(initiative__in=ids).order_by(*order)
    rows = rows.values_list("initiative_id", f"{other}__name")
    for initiative, name in rows:
        names[initiative].append(name)
    return {initiative: "; ".join(values) for initiative, values in names.items()}


def _roles(ids, through, other):
    """{initiative id: "name (role); …"} of the published institutions or people and their roles."""
    names = defaultdict(list)
    labels = dict(through._meta.get_field("role").choices)
    rows = (
        through.objects.published()
        .filter(initiative__in=ids)
        .in_role_order(f"{other}__name", first=["initiative_id"])
    )
    rows = rows.values_list("initiative_id", f"{other}__name", "role")
    for initiative, name, role in rows:
        names[initiative].append(f"{name} ({labels[role].lower()})")
    return {initiative: "; ".join(values) for initiative, values in names.items()}


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
        tracks = _linked(ids, InitiativeTrack, "track", ["track__rank", "track__name"])
        topics = _linked(ids, InitiativeTopic, "topic", ["topic__name"])
        countries = _linked(ids, InitiativeCountry, "country", ["country__name"])
        institutions = _roles(ids, InitiativeInstitution, "institution")
        people = _roles(ids, InitiativePerson, "person")
        for pk, slug, name, kind, start, end, status, frequency, places, summary in chunk:
            values = [
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
            ]
            yield [spreadsheet_safe(value) for value in values]


def generation_file(name, parts, write):
    """An open binary file of `name` for this generation of the data and these `parts`, made
    once by `write(text_file)` in settings.EXPORT_DIR; None when nothing is cached (DJANGO_CACHE=off).

    One process of the host writes it while the others wait for it (an exclusive lock on the
    folder), so simultaneous first requests run the export once. The file appears complete or
    not at all (written aside, then renamed); files of older generations are removed then, which
    leaves any download of them in progress intact.
    """
    current = caching.generation()
    if not current:
        return None  # a dummy cache keeps no generation: every export would look current
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=8).hexdigest()
    directory = Path(settings.EXPORT_DIR)
    path = directory / f"{name}-{current}-{digest}.csv"
    try:
        return path.open("rb")
    except FileNotFoundError:
        pass
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / ".lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():  # unless another process made it meanwhile
            for stale in directory.glob(f"{name}-*.part"):  # left by a process killed while writing
                stale.unlink(missing_ok=True)
            part = path.with_name(f"{path.name}.{os.getpid()}.part")
            try:
                with part.open("w", encoding="utf-8", newline="") as file:
                    write(file)
                part.replace(path)
            finally:
                part.unlink(missing_ok=True)
            for old in directory.glob(f"{name}-*.csv"):
                if not old.name.startswith(f"{name}-{current}-"):
                    old.unlink(missing_ok=True)
        return path.open("rb")
