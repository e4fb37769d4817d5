"""What is searched in each kind of record, and how much each part counts: the one table that the
stored documents (PostgreSQL's tsvector, SQLite's FTS5 tables), the rank and the snippets read.

A kind's document has up to three parts, by weight: A (names) above B above C. Each part lists
fields of the model; `reported_by__name` follows a foreign key (its text is searched while the
linked record is published), and a field with choices is searched by its label ("US dollars").
`snippet` is the text a result quotes; `near` the fields in which near misses of a plain query
("Dartmuth") are found.
"""

from dataclasses import dataclass

from django.conf import settings

# PostgreSQL's text-search configuration. SQLite's FTS5 stems with the porter tokenizer, also
# English; both ignore the same stop words (words.STOP_WORDS).
CONFIG = "english"
# How much a match in each part counts (PostgreSQL's ts_rank defaults, D unused; on SQLite each
# term adds the weight of the best part it is found in).
WEIGHTS = {"A": 1.0, "B": 0.4, "C": 0.2}
PARTS = tuple(WEIGHTS)
# A name is a near miss of a query word when it holds at least this share of the word's trigrams.
NEAR_MISS = settings.ATLAS_NEAR_MISS


@dataclass(frozen=True)
class Document:
    A: tuple = ()
    B: tuple = ()
    C: tuple = ()
    snippet: tuple = ()
    near: tuple = ()

    def part(self, weight):
        return getattr(self, weight)

    @property
    def fields(self):
        return [field for weight in PARTS for field in self.part(weight)]


DOCUMENTS = {
    "initiative": Document(
        A=("name", "other_names"),
        # related_names: the published institutions, people and topics it links to
        # (programs.search_index), so that "Kettering" finds the Dartmouth Conference.
        B=("summary", "related_names"),
        C=("description",),
        snippet=("summary", "description"),
        near=("name",),
    ),
    "institution": Document(
        A=("name", "acronym", "other_names"),
        C=("description", "city"),
        snippet=("description",),
        near=("name",),
    ),
    "person": Document(
        A=("name", "other_names"), C=("description",), snippet=("description",), near=("name",)
    ),
    "track": Document(A=("name",), C=("definition", "origin"), snippet=("definition", "origin")),
    "statistic": Document(
        A=("measure",),
        C=("stated_value", "unit", "period", "period_start", "period_end", "reported_by__name"),
        snippet=("stated_value",),
    ),
    "source": Document(A=("title",), C=("description",), snippet=("description",)),
    "topic": Document(A=("name",), C=("description",), snippet=("description",)),
    "country": Document(A=("name", "other_names"), snippet=("other_names",)),
    "event": Document(
        A=("name",), B=("places", "initiative__name"), C=("description",), snippet=("description", "places")
    ),
}


def document(model):
    """The document of a model (None for a model that is not searched)."""
    return DOCUMENTS.get(model._meta.model_name)
