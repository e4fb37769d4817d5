"""A deterministic synthetic knowledge base, for measuring the site at sizes the article never reaches.

`synthesize(initiatives=N, seed=S)` adds N initiatives and the institutions, people, sources,
statistics, topics, countries, tracks, join records and citations that go with them, in about
the proportions of the article: every record is cited, institutions and people are shared by
many initiatives (a few of them by very many), text is drawn from the article's vocabulary.
The same seed on the same database gives the same records.

Every synthetic record's slug starts with `syn-`; join records, affiliations and citations
belong to synthetic records. `remove()` deletes exactly these and nothing else, so the
article's records (and anything curators add) are never changed.

The records are made in `generate` (no database there) and written by `programs.bulk_load`:
no model `save()`, no signals, hence no history (django-simple-history records none for
synthetic rows); the search documents are built afterwards by `programs.search_index`.
"""

from django.apps import apps
from django.db import transaction
from django.db.models import Q

from .. import bulk_load, caching, search_index, summary
from ..models import (
    CITABLE,
    CITATION_SUBJECTS,
    Affiliation,
    Citation,
    Country,
    Initiative,
    InitiativeInstitution,
    InitiativePerson,
    Institution,
    Link,
    Person,
    Source,
    Statistic,
    Topic,
    Track,
)
from ..progress import silent
from . import generate
from .generate import PREFIX

__all__ = ["PREFIX", "remove", "remove_and_tidy", "synthesize"]

# Initiatives whose search documents are built at a time (a progress step).
REINDEX_BATCH = 2000
# The synthetic records' models, in the order `remove()` deletes them (children first).
SLUGGED = [Statistic, Initiative, Track, Source, Person, Institution, Topic, Country]
# Citation subjects without a slug of their own, and the parents that make them synthetic.
JOINS = {subject: list(model.ENDS) for subject, (model, _) in CITABLE.items() if issubclass(model, Link)}


def is_synthetic(prefix=""):
    return Q(**{f"{prefix}slug__startswith": PREFIX})


def synthesize(initiatives, seed=1, progress=silent):
    """Replace any synthetic records with a fresh set of `initiatives` initiatives; return
    {model label: rows written}.

    `progress(step, done, total)` is told how far each step is; a step ends at done == total.
    """
    models = app_models()
    counts = {}
    with (
        transaction.atomic(),
        bulk_load.foreign_keys_deferred(models),
        bulk_load.indexes_deferred(models),
    ):
        remove()
        first_ids = bulk_load.first_free_ids(generate.NUMBERED)
        progress("shared records", 0, 1)
        shared, tables = generate.shared_records(seed, initiatives, first_ids, names_in_use())
        write(tables, counts)
        progress("shared records", 1, 1)

        names = generate.Names(Initiative.objects.values_list("name", flat=True))
        for start in range(0, initiatives, generate.BATCH):
            indexes = range(start, min(start + generate.BATCH, initiatives))
            write(generate.initiatives(seed, indexes, shared, first_ids, names), counts)
            progress("initiatives", indexes.stop, initiatives)

        bulk_load.reset_sequences([m for m in generate.NUMBERED if counts.get(m._meta.label)])
        # The search documents read the join tables just filled: plan on their new size.
        bulk_load.analyze(models)
        ids = range(first_ids[Initiative], first_ids[Initiative] + initiatives)
        for start in range(0, initiatives, REINDEX_BATCH):
            search_index.reindex(ids[start : start + REINDEX_BATCH])
            progress("search documents", min(start + REINDEX_BATCH, initiatives), initiatives)
        summary.rebuild()
        progress("indexes and foreign keys", 0, 1)
    progress("indexes and foreign keys", 1, 1)
    caching.new_generation()  # bulk writes send no signal
    progress("vacuum and analyze", 0, 1)
    # The initiatives were written, then updated with their search documents.
    bulk_load.vacuum_analyze(all_tables(), rewrite=[Initiative])
    progress("vacuum and analyze", 1, 1)
    return counts


def write(tables, counts):
    """Write {model: instances or rows} and add what was written to `counts`."""
    for model, rows in tables.items():
        if not rows:
            continue
        if model in generate.COLUMNS:
            bulk_load.insert_rows(model, generate.COLUMNS[model], rows)
        else:
            bulk_load.insert_records(model, rows)
        label = model._meta.label
        counts[label] = counts.get(label, 0) + len(rows)


def names_in_use():
    """The names synthetic records must not take, for the models whose names are unique."""
    models = (Country, Topic, Track, Institution)
    return {model: set(model.objects.values_list("name", flat=True)) for model in models}


def remove():
    """Delete every synthetic record, its join records and citations; return the row count.

    Deletes set-wise in dependency order (`_raw_delete`: no per-row signals, so no per-row
    history), which takes seconds where `QuerySet.delete()` would collect and signal every row.
    A record that is not synthetic but points at a synthetic one makes the database refuse,
    and nothing is deleted.
    """
    # A citation goes with a synthetic source or subject; one simple DELETE per way it can.
    citations = [
        "source__",
        *(f"{subject}__" for subject in CITATION_SUBJECTS if subject not in JOINS),
        *(f"{join}__{parent}__" for join, parents in JOINS.items() for parent in parents),
    ]
    steps = [
        *(Citation.objects.filter(is_synthetic(path)) for path in citations),
        Initiative.tracks.through.objects.filter(is_synthetic("initiative__") | is_synthetic("track__")),
        Initiative.topics.through.objects.filter(is_synthetic("initiative__") | is_synthetic("topic__")),
        Initiative.countries.through.objects.filter(is_synthetic("initiative__") | is_synthetic("country__")),
        Source.authors.through.objects.filter(is_synthetic("source__") | is_synthetic("person__")),
        Track.coined_by.through.objects.filter(is_synthetic("track__") | is_synthetic("person__")),
        InitiativeInstitution.objects.filter(is_synthetic("initiative__") | is_synthetic("institution__")),
        InitiativePerson.objects.filter(is_synthetic("initiative__") | is_synthetic("person__")),
        Affiliation.objects.filter(is_synthetic("person__") | is_synthetic("institution__")),
        *(model.objects.filter(is_synthetic()) for model in SLUGGED),
        # History only exists for synthetic records a curator has since edited.
        *(model.history.filter(is_synthetic()) for model in SLUGGED),
    ]
    deleted = 0
    with transaction.atomic():
        for queryset in steps:
            deleted += queryset._raw_delete(queryset.db)
    return deleted


def remove_and_tidy():
    """`remove()` with the foreign keys checked once at the end rather than row by row."""
    with transaction.atomic(), bulk_load.foreign_keys_deferred(app_models()):
        deleted = remove()
        summary.rebuild()
    caching.new_generation()
    bulk_load.vacuum_analyze(all_tables())
    return deleted


def all_tables():
    """The app's models, join tables of many-to-many fields and history included."""
    return list(apps.get_app_config("programs").get_models(include_auto_created=True))


def app_models():
    """The tables synthetic rows go into: the app's, history tables aside."""
    return [model for model in all_tables() if not model._meta.model_name.startswith("historical")]
