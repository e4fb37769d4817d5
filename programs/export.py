"""Initiatives as CSV rows: the whole result set of a list, streamed in chunks.

Rows are read as plain values, CHUNK at a time, with the published names linked to each chunk in
one query per relation: 6 queries per CHUNK initiatives, and no model instances to build.
"""

from collections import defaultdict
from itertools import islice

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
