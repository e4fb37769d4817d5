"""Initiatives as CSV rows: the whole result set of a list, streamed in chunks.

Rows are read as plain values, CHUNK at a time, with the published names linked to each chunk in
one query per relation: 6 queries per CHUNK initiatives, and no model instances to build.
"""

from collections import defaultdict
from itertools import islice

from .browse import role_order
from .models import (
    Frequency,
    Initiative,
    InitiativeInstitution,
    InitiativeKind,
    InitiativePerson,
    InitiativeStatus,
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


def spreadsheet_safe(value):
    """Text a spreadsheet will not run as a formula."""
    value = str(value)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _linked(ids, through, other, order):
    """{initiative id: "name; name"} of the published records linked through `through`."""
    names = defaultdict(list)
    rows = (
        through.objects.filter(initiative__in=ids, **{f"{other}__is_published": True})
        .order_by(*order)
        .values_list("initiative_id", f"{other}__name")
    )
    for initiative, name in rows:
        names[initiative].append(name)
    return {initiative: "; ".join(values) for initiative, values in names.items()}


def _roles(ids, through, other):
    """{initiative id: "name (role); …"} of the published institutions or people and their roles."""
    names = defaultdict(list)
    labels = dict(through._meta.get_field("role").choices)
    rows = (
        through.objects.filter(initiative__in=ids, **{f"{other}__is_published": True})
        .order_by("initiative_id", role_order(), f"{other}__name")
        .values_list("initiative_id", f"{other}__name", "role")
    )
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
    through = {
        field: Initiative._meta.get_field(field).remote_field.through
        for field in ("tracks", "topics", "countries")
    }
    rows = initiatives.values_list(*FIELDS).iterator(chunk_size=CHUNK)
    for chunk in batched(rows, CHUNK):
        ids = [row[0] for row in chunk]
        tracks = _linked(ids, through["tracks"], "track", ["track__rank", "track__name"])
        topics = _linked(ids, through["topics"], "topic", ["topic__name"])
        countries = _linked(ids, through["countries"], "country", ["country__name"])
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
