"""Search: one entry point, `search(queryset, query)`, used by the public pages and the admin alike
(through `RecordQuerySet.search`).

A query uses web-search syntax: words (every one must match), "quoted phrases", -excluded words
and `or` between alternatives. An empty query matches everything; a query with nothing to search
for in it (only punctuation, say) matches nothing. Any text is accepted: NUL and other control
characters are dropped and the query is cut to MAX_QUERY_LENGTH characters and MAX_TERMS terms.

Two mechanisms answer the same way:

- Initiatives on PostgreSQL: the stored, weighted `search_vector` (kept fresh by
  programs.search_index) matched with `websearch_to_tsquery` and English stemming, ranked with
  `ts_rank`. When the query is plain words, names that are near misses match too (pg_trgm word
  similarity on a trigram index), so "Dartmuth" finds the Dartmouth Conference. An initiative
  whose document is not built yet is matched as below.
- Every other case (the other record kinds; everything on SQLite): each word must appear, after
  a naive English stemming, in one of the model's search fields, case-insensitively; phrases match
  as written. Results are ranked by the weight of the fields that matched. Initiatives whose names
  hold near misses of every word of a plain query match too (difflib over the names' words).

Every queryset that comes back is annotated with `search_rank` and ordered by it, best first.
"""

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    TrigramWordSimilarity,
)
from django.db import connections
from django.db.models import BooleanField, Case, F, FloatField, Func, Q, TextField, Value, When
from django.db.models.functions import Coalesce, Concat
from django.utils.html import escape
from django.utils.safestring import mark_safe

MAX_QUERY_LENGTH = 300
MAX_TERMS = 12
# Pages count at most this many results exactly; beyond it they say "more than".
COUNT_CAP = 10_000
CONFIG = "english"

# The fields searched for each kind of record, by weight: A (names) above B above C.
WEIGHTED_FIELDS = {
    "initiative": {
        "A": ["name", "other_names"],
        "B": ["summary", "related_names"],
        "C": ["description"],
    },
    "institution": {"A": ["name", "acronym", "other_names"], "C": ["description", "city"]},
    "person": {"A": ["name", "other_names"], "C": ["description"]},
    "track": {"A": ["name"], "C": ["definition", "origin"]},
    "statistic": {"A": ["measure"], "C": ["stated_value"]},
    "source": {"A": ["title"], "C": ["description"]},
    "topic": {"A": ["name"], "C": ["description"]},
    "country": {"A": ["name", "other_names"]},
}
WEIGHTS = {"A": 1.0, "B": 0.4, "C": 0.2}
# Fields searched on a model that is not listed above, when it has them.
FALLBACK_FIELDS = ["name", "title", "acronym", "other_names"]

# Words PostgreSQL's English configuration ignores; the simple mechanism ignores them too.
STOP_WORDS = frozenset(
    """a an and are as at be but by for from had has have he her his i if in into is it its of on or our
    she so than that the their them then there these they this to was we were what when which who will
    with you""".split()  # noqa: SIM905 (a list literal of 50 words reads worse)
)

# ts_headline wraps matches in these; they are turned into <mark> after the text is escaped.
MARK_START, MARK_STOP = "\u27ea", "\u27eb"


# ---------------------------------------------------------------------------------------------
# Reading the query


@dataclass(frozen=True)
class Term:
    text: str
    phrase: bool = False

    @property
    def pattern(self):
        """A regular expression that finds the term in text, for highlighting."""
        if self.phrase:
            return r"\s+".join(re.escape(word) for word in self.text.split())
        return r"\b" + re.escape(self.text) + r"\w*"


@dataclass(frozen=True)
class ParsedQuery:
    text: str  # the cleaned query, as PostgreSQL's websearch_to_tsquery reads it
    groups: tuple  # every group must match; a group matches when any of its terms does
    excluded: tuple  # no excluded term may match

    @property
    def is_empty(self):
        return not self.text

    @property
    def has_terms(self):
        return bool(self.groups or self.excluded)

    @property
    def terms(self):
        return [term for group in self.groups for term in group]

    @property
    def is_plain(self):
        """Only words: no phrase, no exclusion, no `or`."""
        return not self.excluded and all(len(group) == 1 and not group[0].phrase for group in self.groups)


TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


def clean(query):
    """The query without control characters (PostgreSQL refuses NUL), spaces collapsed, cut short."""
    text = "".join(
        " " if char.isspace() else char
        for char in str(query or "")
        if char.isspace() or unicodedata.category(char) not in ("Cc", "Cf", "Cs", "Co")
    )
    return " ".join(text.split())[:MAX_QUERY_LENGTH].strip()


def stem(word):
    """A naive English stem, matched as a prefix: "students" → "student", "universities" → "universit"."""
    for suffix, keep in (("ies", 4), ("ing", 4), ("ed", 4), ("es", 5), ("s", 3)):
        if word.endswith(suffix) and len(word) - len(suffix) >= keep and not word.endswith("ss"):
            return word[: -len(suffix)]
    return word


def _word(token):
    """A bare word, lowercased and stemmed, or "" when nothing searchable is left."""
    word = re.sub(r"^\W+|\W+$", "", token.lower())
    if len(word) < 2 or word in STOP_WORDS:
        return ""
    return stem(word)


def parse(query):
    """Read web-search syntax: words, "phrases", -exclusions, `or`."""
    text = clean(query)
    groups, excluded = [], []
    join_next = last_positive = False
    for match in TOKEN.finditer(text):
        negated, phrase, bare = match.groups()
        if bare is not None:
            if bare.lower() == "or":
                join_next = last_positive  # `or` joins two wanted terms; elsewhere it is ignored
                continue
            negated = bare.startswith("-") and len(bare) > 1
            word = _word(bare[1:] if negated else bare)
            term = Term(word) if word else None
        else:
            words = " ".join(re.sub(r"[^\w\s]+", " ", phrase.lower()).split())
            term = Term(words, phrase=" " in words) if words else None
            negated = bool(negated)
            if term and not term.phrase:
                term = Term(stem(words)) if words not in STOP_WORDS else None
        if term is None:
            continue
        if negated:
            excluded.append(term)
        elif join_next:
            groups[-1] = groups[-1] + (term,)
        else:
            groups.append((term,))
        join_next, last_positive = False, not negated
        if len(groups) + len(excluded) >= MAX_TERMS:
            break
    return ParsedQuery(text=text, groups=tuple(groups), excluded=tuple(excluded))


# ---------------------------------------------------------------------------------------------
# Searching


def fields_of(model):
    """The search fields of a model, by weight."""
    if model._meta.model_name in WEIGHTED_FIELDS:
        return WEIGHTED_FIELDS[model._meta.model_name]
    names = {field.name for field in model._meta.get_fields()}
    return {"A": [name for name in FALLBACK_FIELDS if name in names]}


def uses_full_text(queryset):
    return queryset.model._meta.model_name == "initiative" and connections[queryset.db].vendor == "postgresql"


def search(queryset, query):
    """The records of `queryset` matching `query`, annotated with `search_rank`, best first."""
    parsed = parse(query)
    if parsed.is_empty:
        return queryset
    if not parsed.has_terms:
        return queryset.none()
    matched = (_full_text if uses_full_text(queryset) else _word_match)(queryset, parsed)
    return matched.order_by("-search_rank", *queryset.model._meta.ordering)


def _full_text(queryset, parsed):
    query = SearchQuery(parsed.text, search_type="websearch", config=CONFIG)
    # A document not built yet (its transaction has not committed) is matched word by word.
    condition = Q(search_vector=query) | Q(search_vector__isnull=True) & _word_condition(
        parsed, _all_fields(queryset.model)
    )
    rank = Coalesce(SearchRank(F("search_vector"), query), Value(0.0), output_field=FloatField())
    if parsed.is_plain and len(parsed.text) >= 3:
        # Near misses of a name: "Dartmuth" is word-similar to "Dartmouth Conference".
        condition |= Q(name__trigram_word_similar=parsed.text)
        rank = rank + TrigramWordSimilarity(parsed.text, "name") * Value(0.1)
    return queryset.filter(condition).annotate(search_rank=rank)


def _matches(term, fields):
    return reduce(or_, (Q(**{f"{field}__icontains": term.text}) for field in fields))


def _all_fields(model):
    return [field for names in fields_of(model).values() for field in names]


def _word_condition(parsed, fields):
    condition = Q()
    for group in parsed.groups:
        condition &= reduce(or_, (_matches(term, fields) for term in group))
    for term in parsed.excluded:
        condition &= ~_matches(term, fields)
    return condition


class NearMiss(Func):
    """True when every word of a plain query is close to a word of the text (SQLite only).

    SQLite has no trigram index: the app registers this function on each SQLite connection
    (see `register_sqlite_functions`), so near misses are found inside the one query.
    """

    function = "ATLAS_NEAR_MISS"
    output_field = BooleanField()


def near_miss(text, query):
    words = re.findall(r"\w+", (text or "").lower())
    wanted = [word for word in re.findall(r"\w+", (query or "").lower()) if len(word) >= 3]
    return bool(wanted) and all(difflib.get_close_matches(word, words, n=1, cutoff=0.8) for word in wanted)


def register_sqlite_functions(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function("ATLAS_NEAR_MISS", 2, near_miss, deterministic=True)


def _word_match(queryset, parsed):
    weighted = fields_of(queryset.model)
    fields = _all_fields(queryset.model)
    if not fields:
        return queryset.none()
    condition = _word_condition(parsed, fields)
    if queryset.model._meta.model_name == "initiative" and parsed.is_plain:
        condition |= Q(NearMiss("name", Value(parsed.text)))
    rank = Value(0.0)
    for term in parsed.terms:
        rank = rank + Case(
            *(When(_matches(term, weighted[weight]), then=Value(WEIGHTS[weight])) for weight in weighted),
            default=Value(0.0),
            output_field=FloatField(),
        )
    return queryset.filter(condition).annotate(search_rank=rank)


# ---------------------------------------------------------------------------------------------
# Showing matches


def with_headlines(queryset, query):
    """Annotate initiatives on PostgreSQL with `headline`, the passage around the matches.

    Elsewhere `highlight()` finds the passage in Python; pages use the `snippet` template tag,
    which takes whichever is there.
    """
    parsed = parse(query)
    if not parsed.has_terms or not uses_full_text(queryset):
        return queryset
    return queryset.annotate(
        headline=SearchHeadline(
            Concat("summary", Value(" "), "description", output_field=TextField()),
            SearchQuery(parsed.text, search_type="websearch", config=CONFIG),
            config=CONFIG,
            start_sel=MARK_START,
            stop_sel=MARK_STOP,
            max_words=35,
            min_words=15,
            max_fragments=2,
            fragment_delimiter=" … ",
        )
    )


def marked(headline):
    """A headline from PostgreSQL, escaped, with its match markers turned into <mark>."""
    text = escape(headline)
    if text.count(MARK_START) != text.count(MARK_STOP):
        return mark_safe(text.replace(MARK_START, "").replace(MARK_STOP, ""))  # noqa: S308 (escaped)
    return mark_safe(text.replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>"))  # noqa: S308


def highlight(text, query, *, words=None):
    """`text` escaped, with the query's terms in <mark>; cut to about `words` words around the
    first match when `words` is given."""
    text = str(text or "")
    terms = parse(query).terms
    pattern = re.compile("|".join(term.pattern for term in terms), re.IGNORECASE) if terms else None
    found = list(pattern.finditer(text)) if pattern else []
    start, end, prefix, suffix = 0, len(text), "", ""
    spans = [match.span() for match in re.finditer(r"\S+", text)]
    if words and len(spans) > words:
        centre = found[0].start() if found else 0
        index = next((i for i, (_, stop) in enumerate(spans) if stop > centre), 0)
        first = max(0, min(index - words // 3, len(spans) - words))
        start, end = spans[first][0], spans[first + words - 1][1]
        prefix, suffix = ("… " if first else ""), (" …" if first + words < len(spans) else "")
    parts, position = [], start
    for match in found:
        if match.start() < position or match.end() > end:
            continue
        parts.append(escape(text[position : match.start()]))
        parts.append(f"<mark>{escape(match.group())}</mark>")
        position = match.end()
    parts.append(escape(text[position:end]))
    return mark_safe(escape(prefix) + "".join(parts) + escape(suffix))  # noqa: S308 (every part escaped)
