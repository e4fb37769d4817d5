"""Checks of the knowledge base's data, run by `manage.py check_data`.

Each check yields one plain-words problem per offending record, so a curator can find and fix it.
"""

import re

from .models import (
    CITATION_SUBJECTS,
    Affiliation,
    Citation,
    Country,
    Initiative,
    InitiativeInstitution,
    InitiativePerson,
    Institution,
    Person,
    Source,
    Statistic,
    Topic,
    Track,
)

# Every record of these models must be supported by at least one citation.
CITED_MODELS = [
    Track,
    Initiative,
    Institution,
    Person,
    Statistic,
    Topic,
    Country,
    Source,
    InitiativeInstitution,
    InitiativePerson,
    Affiliation,
]


def label(record):
    return f"{record._meta.verbose_name} “{record}” (id {record.pk})"


def uncited_records():
    """Records that no citation supports."""
    subject_of = {Citation._meta.get_field(field).related_model: field for field in CITATION_SUBJECTS}
    for model in CITED_MODELS:
        field = subject_of[model]
        cited = Citation.objects.filter(**{f"{field}__isnull": False}).values(field)
        for record in model._default_manager.exclude(pk__in=cited):
            yield f"{label(record)} has no citation."


def normalize(text):
    return re.sub(r"\s+", " ", text).strip()


def misquoted_citations(texts):
    """Citations whose passage is not in the text of their source.

    `texts` maps a source slug to its full text; the key None stands for every source.
    """
    normalized = {slug: normalize(text) for slug, text in texts.items()}
    for citation in Citation.objects.select_related("source"):
        text = normalized.get(citation.source.slug, normalized.get(None))
        if text is not None and normalize(citation.passage) not in text:
            yield (
                f"Citation {citation.key} quotes a passage not found in “{citation.source}”: "
                f"“{citation.passage[:80]}”."
            )


def incomplete_statistics():
    """Statistics missing a value, a unit or a period."""
    for statistic in Statistic.objects.all():
        missing = [
            name
            for name, present in [
                ("value", statistic.value is not None),
                ("unit", statistic.unit),
                ("period", statistic.period and statistic.period_start),
            ]
            if not present
        ]
        if missing:
            yield f"{label(statistic)} has no {', no '.join(missing)}."


def problems(texts=None):
    yield from uncited_records()
    yield from misquoted_citations(texts or {})
    yield from incomplete_statistics()
