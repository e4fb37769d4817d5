"""Where the stored documents live and how a query is matched against them, per database.

`backend_for(model, using)` chooses once per model and connection:

- PostgreSQL: the document is a weighted tsvector in the record's `search_vector` column (GIN
  index), matched with `websearch_to_tsquery`, ranked with `ts_rank`, quoted with `ts_headline`.
  Near misses: pg_trgm word similarity on the `near` fields (trigram GIN indexes).
- SQLite: the document is a row of an FTS5 table `<table>_fts` (columns a, b, c: the parts by
  weight; the porter tokenizer stems), matched with MATCH, each term ranked by the weight of the
  best part it is found in. Near misses: an
  FTS5 table with the trigram tokenizer, `<table>_near`, finds the names that share trigrams
  with the query; `words.word_similarity` (pg_trgm's measure, ported) keeps those close enough.

Both store documents built in Python (programs.search_index), so they read the same text.
"""

from functools import cache, reduce
from operator import add

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, TrigramWordSimilarity
from django.db import connections
from django.db.models import BooleanField, Case, F, FloatField, Func, Q, TextField, Value, When
from django.db.models.functions import Coalesce, Concat, Replace

from . import words
from .weights import CONFIG, NEAR_MISS, PARTS, WEIGHTS, document

# ts_headline wraps matches in these; highlight.marked() turns them into <mark> once escaped.
# They are taken out of the text it quotes first, so that no stored text can make a mark.
MARK_START, MARK_STOP = "\u27ea", "\u27eb"
# An exact match ranks at least EXACT; a record found only as a near miss of a name, below it
# (at most NEAR_RANK per near field).
EXACT = 1.0
NEAR_RANK = 0.1


@cache
def backend_for(model, using):
    """The backend that searches `model` on the connection `using` (chosen once for both)."""
    if document(model) is None:
        return None
    vendor = connections[using].vendor
    return (PostgresBackend if vendor == "postgresql" else SQLiteBackend)(model)


class Backend:
    def __init__(self, model):
        self.model = model
        self.document = document(model)
        self.table = model._meta.db_table

    def search(self, queryset, query):
        """`queryset` narrowed to what matches `query` (which has terms), annotated with `search_rank`."""
        raise NotImplementedError

    def with_headlines(self, queryset, query):
        """Annotate `headline` where the database quotes the matches; else leave it to Python."""
        return queryset

    def snippet_fields(self):
        """The fields a page must load to quote a result (none when the database does it)."""
        return self.document.snippet

    def store(self, using, ids, documents):
        """Replace the documents of the records `ids` by `documents`: [(pk, {weight: text}, near)]."""
        raise NotImplementedError

    def forget(self, using, ids):
        """Drop the documents of deleted records."""

    def clear(self, using):
        """Drop every document of the model, before they are all built again."""


# ---------------------------------------------------------------------------------------------
# PostgreSQL


def websearch(query):
    """The query in the syntax websearch_to_tsquery reads, from its terms (folded words)."""

    def term(t):
        return f'"{t.text}"' if t.phrase else t.text

    wanted = [" or ".join(term(t) for t in group) for group in query.groups]
    return " ".join([*wanted, *(f"-{term(t)}" for t in query.excluded)])


class PostgresBackend(Backend):
    def tsquery(self, query):
        return SearchQuery(websearch(query), search_type="websearch", config=CONFIG)

    def search(self, queryset, query):
        tsquery = self.tsquery(query)
        condition = Q(search_vector=tsquery)
        weights = [0.1, *(WEIGHTS[weight] for weight in reversed(PARTS))]  # D, C, B, A
        rank = Coalesce(SearchRank(F("search_vector"), tsquery, weights=weights), Value(0.0))
        if not (query.near_text and self.document.near):
            return queryset.filter(condition).annotate(search_rank=rank + Value(EXACT))
        rank = rank + Case(When(condition, then=Value(EXACT)), default=Value(0.0))
        for field in self.document.near:
            condition |= Q(**{f"{field}__trigram_word_similar": query.near_text})
        near = reduce(add, (TrigramWordSimilarity(query.near_text, f) for f in self.document.near))
        rank = rank + near * Value(NEAR_RANK)
        return queryset.filter(condition).annotate(search_rank=rank)

    def with_headlines(self, queryset, query):
        fields = []
        for field in self.document.snippet:
            text = Coalesce(field, Value(""), output_field=TextField())
            unmarked = Replace(Replace(text, Value(MARK_START)), Value(MARK_STOP), output_field=TextField())
            fields += [unmarked, Value(" ")]
        return queryset.annotate(
            headline=SearchHeadline(
                Concat(*fields[:-1], output_field=TextField()) if len(fields) > 1 else fields[0],
                self.tsquery(query),
                config=CONFIG,
                start_sel=MARK_START,
                stop_sel=MARK_STOP,
                max_words=35,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
            )
        )

    def snippet_fields(self):
        return ()

    def store(self, using, ids, documents):
        if not documents:
            return
        vector = " || ".join(
            f"setweight(to_tsvector('{CONFIG}'::regconfig, v.{part.lower()}), '{part}')" for part in PARTS
        )
        rows = ", ".join(["(%s::bigint, %s, %s, %s)"] * len(documents))
        params = [value for pk, parts, _ in documents for value in (pk, *(parts[weight] for weight in PARTS))]
        with connections[using].cursor() as cursor:
            cursor.execute(
                f"UPDATE {self.table} SET search_vector = n.vector "  # noqa: S608 (names are ours)
                # OFFSET 0 keeps the subquery whole, so each vector is computed once, not twice.
                f"FROM (SELECT v.id, {vector} AS vector "
                f"FROM (VALUES {rows}) AS v(id, a, b, c) OFFSET 0) AS n "
                f"WHERE {self.table}.id = n.id "
                # An unchanged document is not written again (nor its row's index entries).
                f"AND {self.table}.search_vector IS DISTINCT FROM n.vector",
                params,
            )


# ---------------------------------------------------------------------------------------------
# SQLite


def fts5(terms, joiner):
    """An FTS5 query matching the terms (each a quoted string: FTS5 reads no operator in it)."""
    return joiner.join(f'"{term.text}"' for term in terms)


def trigram_match(text):
    """An FTS5 query over a trigram table: names sharing a trigram with every word of `text`."""
    groups = []
    for word in text.split():
        grams = sorted({word[i : i + 3] for i in range(len(word) - 2)})
        groups.append("(" + " OR ".join(f'"{gram}"' for gram in grams) + ")")
    return " AND ".join(groups)


class PrimaryKeyIn(Func):
    """`pk IN (<sql>)`: the records whose primary key the subquery selects."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, sql, params):
        super().__init__(F("pk"))
        self.sql, self.params = sql, tuple(params)

    def as_sql(self, compiler, connection, **extra):
        pk, pk_params = compiler.compile(self.source_expressions[0])
        return f"{pk} IN ({self.sql})", (*pk_params, *self.params)


class ForPrimaryKey(Func):
    """A value computed by `<sql>` for each record, with its primary key in place of `{pk}`."""

    output_field = FloatField()

    def __init__(self, sql, params):
        super().__init__(F("pk"))
        self.sql, self.params = sql, tuple(params)

    def as_sql(self, compiler, connection, **extra):
        pk, pk_params = compiler.compile(self.source_expressions[0])
        return f"COALESCE(({self.sql.format(pk=pk)}), 0.0)", (*self.params, *pk_params)


def register_sqlite_functions(sender, connection, **kwargs):
    """Give each SQLite connection the near-miss measure (pg_trgm's, written in Python)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "atlas_word_similarity", 2, words.word_similarity, deterministic=True
        )


class SQLiteBackend(Backend):
    def __init__(self, model):
        super().__init__(model)
        self.fts, self.near = f"{self.table}_fts", f"{self.table}_near"

    def search(self, queryset, query):
        condition, exact, rank = Q(), None, Value(EXACT)
        if query.groups:
            exact = self.matching(" AND ".join(f"({fts5(group, ' OR ')})" for group in query.groups))
            condition = Q(exact)
            # Each group adds the weight of the best part it is found in. (bm25 would be read
            # again for every row, which costs a full-text query per row on a common word.)
            for group in query.groups:
                alternatives = fts5(group, " OR ")
                found_in = [
                    When(self.matching(f"{{{part.lower()}}} : ({alternatives})"), then=Value(WEIGHTS[part]))
                    for part in PARTS
                ]
                rank = rank + Case(*found_in, default=Value(0.0))
        if query.excluded:
            condition &= ~Q(self.matching(fts5(query.excluded, " OR ")))
        if query.near_text and self.document.near:
            condition |= Q(
                PrimaryKeyIn(
                    f"SELECT rowid FROM {self.near} WHERE {self.near} MATCH %s "  # noqa: S608
                    f"AND atlas_word_similarity(%s, names) >= %s",
                    [trigram_match(query.near_text), query.near_text, NEAR_MISS],
                )
            )
            similarity = ForPrimaryKey(
                f"SELECT atlas_word_similarity(%s, names) FROM {self.near} WHERE rowid = {{pk}}",  # noqa: S608
                [query.near_text],
            )
            # Only a record found as a near miss alone is ranked by how near it is.
            rank = Case(When(exact, then=rank), default=similarity * Value(NEAR_RANK)) if exact else rank
        return queryset.filter(condition).annotate(search_rank=rank)

    def matching(self, match):
        """The records whose documents match an FTS5 query."""
        return PrimaryKeyIn(f"SELECT rowid FROM {self.fts} WHERE {self.fts} MATCH %s", [match])  # noqa: S608

    def store(self, using, ids, documents):
        ids = list(ids)
        with connections[using].cursor() as cursor:
            self._delete(cursor, ids)
            cursor.executemany(
                f"INSERT INTO {self.fts} (rowid, a, b, c) VALUES (%s, %s, %s, %s)",  # noqa: S608
                [(pk, *(parts[weight] for weight in PARTS)) for pk, parts, _ in documents],
            )
            cursor.executemany(
                f"INSERT INTO {self.near} (rowid, names) VALUES (%s, %s)",  # noqa: S608
                [(pk, near) for pk, _, near in documents if near],
            )

    def forget(self, using, ids):
        with connections[using].cursor() as cursor:
            self._delete(cursor, list(ids))

    def clear(self, using):
        with connections[using].cursor() as cursor:
            for table in (self.fts, self.near):
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608

    def _delete(self, cursor, ids):
        for start in range(0, len(ids), 500):  # SQLite takes at most 999 parameters
            batch = ids[start : start + 500]
            marks = ", ".join(["%s"] * len(batch))
            for table in (self.fts, self.near):
                cursor.execute(f"DELETE FROM {table} WHERE rowid IN ({marks})", batch)  # noqa: S608
