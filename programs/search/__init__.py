"""Search: one entry point, `search(queryset, query)`, used by the public pages and the admin alike
(through `RecordQuerySet.search`).

A request reads its query once (`parse`, in query.py) and hands the `Query` down: to the filter
and the rank (`search`), the quoted passages (`with_headlines`) and the template tags
(highlight.py). A string is accepted wherever a Query is, and read there.

Every kind of record is searched through a stored document (weights.py says what goes in it;
programs.search_index keeps it fresh), on PostgreSQL and SQLite alike (backends.py): words are
stemmed, phrases kept in order, names weigh most, and the names that are near misses of a plain
query ("Dartmuth") match too. An empty query matches everything; a query with nothing to search
for in it (only punctuation, say) matches nothing. Every queryset that comes back from a search
is annotated with `search_rank` and ordered by it, best first.
"""

from . import words
from .backends import EXACT, backend_for, register_sqlite_functions
from .highlight import highlight, marked, snippet
from .query import MAX_QUERY_LENGTH, MAX_TERMS, Query, clean, parse
from .weights import CONFIG, DOCUMENTS, NEAR_MISS, document

# Pages count at most this many results exactly; beyond it they say "more than".
COUNT_CAP = 10_000
# Near misses are looked for only when fewer records than this match the words exactly: past a
# page of exact matches they would only fill later pages, and finding them costs a trigram test
# of every record beside the full-text index.
NEAR_MISSES_BELOW = 20

__all__ = [
    "CONFIG",
    "COUNT_CAP",
    "DOCUMENTS",
    "MAX_QUERY_LENGTH",
    "MAX_TERMS",
    "NEAR_MISSES_BELOW",
    "Query",
    "backend_for",
    "clean",
    "count_at_most",
    "highlight",
    "marked",
    "near_matches",
    "parse",
    "register_sqlite_functions",
    "search",
    "snippet",
    "snippet_fields",
    "with_headlines",
]


def search(queryset, query):
    """The records of `queryset` matching `query`, annotated with `search_rank`, best first."""
    query = parse(query)
    if query.is_empty:
        return queryset
    backend = backend_for(queryset.model, queryset.db)
    if not query.has_terms or backend is None:
        return queryset.none()
    found = backend.search(queryset, query.exactly())
    if (
        query.near_text
        and backend.document.near
        and count_at_most(found, NEAR_MISSES_BELOW) < NEAR_MISSES_BELOW
    ):
        found = backend.search(queryset, query)  # with the near misses
    return found.order_by("-search_rank", *queryset.model._meta.ordering)


def count_at_most(queryset, most):
    """How many records `queryset` holds, counting no further than `most`: unordered, since
    counting needs no rank, and without ORDER BY the LIMIT stops the scan."""
    return queryset.order_by().values("pk")[:most].count()


def with_headlines(queryset, query):
    """Annotate `headline`, the passage around the matches, where the database makes it
    (PostgreSQL); elsewhere the `snippet` template tag quotes the fields of `snippet_fields()`."""
    query = parse(query)
    backend = backend_for(queryset.model, queryset.db)
    if not query.has_terms or backend is None:
        return queryset
    return backend.with_headlines(queryset, query)


def snippet_fields(queryset):
    """The fields a page of results must load for the `snippet` tag to quote them."""
    backend = backend_for(queryset.model, queryset.db)
    return backend.snippet_fields() if backend else ()


def near_matches(query, records):
    """`query` read as the names of `records` spell it ("Dartmuth" → "Dartmouth", in
    `Query.correction`) when every one of them was found only as a near miss; else `query`."""
    query = parse(query)
    if not query.near_text or not records or any(getattr(r, "search_rank", EXACT) >= EXACT for r in records):
        return query
    found = {}  # the words of the names, lowercased → as written
    for record in records:
        for field in document(record).near if document(record) else ():
            for word in words.TOKEN.findall(words.fold(getattr(record, field, ""))):
                found.setdefault(word.lower(), word)
    spelled = {}
    for word in query.near_text.split():
        best = max(found, key=lambda other: words.similarity(word, other), default=None)
        if best is not None and best != word and words.similarity(word, best) >= NEAR_MISS:
            spelled[word] = found[best]
    return query.corrected(spelled) if spelled else query
