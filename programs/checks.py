"""Checks of the knowledge base's data, run by `manage.py check_data`.

Each check yields one plain-words problem per offending record, so a curator can find and fix it.
What must be cited follows from CITABLE: every fact a public page shows of a published record,
and every published link, needs a citation that supports it.
"""

import re
from collections import defaultdict
from dataclasses import dataclass

from . import summary
from .models import CITABLE, Citation, InitiativeStatus, Source


def label(record):
    return f"{record._meta.verbose_name} “{record}” (id {record.pk})"


def normalize(text):
    return re.sub(r"\s+", " ", text).strip()


def supported_facts():
    """{(subject field, id): the facts its citations support}; a link's (or a record's citation
    that names no fact) holds None."""
    supported = defaultdict(set)
    for facts, *ids in Citation.objects.values_list("facts", *(f"{subject}_id" for subject in CITABLE)):
        for subject, pk in zip(CITABLE, ids, strict=True):
            if pk is not None:
                supported[subject, pk].update(facts or [None])
    return supported


def is_stated(record, fact):
    """Whether a page shows this fact of the record: a value the record states."""
    field = record._meta.get_field(fact)
    if field.many_to_many:
        return bool(getattr(record, fact).all())
    value = getattr(record, field.attname)
    if fact == "status" and value == InitiativeStatus.UNKNOWN:
        return False  # shown as not stated, not as a fact
    return value not in (None, "")


def unsupported_statements():
    """Facts of published records, and published links, that no citation supports."""
    supported = supported_facts()
    for subject, (model, facts) in CITABLE.items():
        records = model._default_manager.published()
        many = [fact for fact in facts if model._meta.get_field(fact).many_to_many]
        for record in records.prefetch_related(*many):
            has = supported.get((subject, record.pk), set())
            if not facts:
                if None not in has:
                    yield f"{label(record)}: no citation supports this link."
                continue
            missing = [fact for fact in facts if is_stated(record, fact) and fact not in has]
            if missing:
                names = ", ".join(str(model._meta.get_field(fact).verbose_name) for fact in missing)
                yield f"{label(record)}: no citation supports its {names}."


def misquoted_citations(texts):
    """Citations whose passage is not in the text of their source, or not where it says.

    `texts` maps a source slug to its full text; the key None stands for every source.
    """
    normalized = {slug: normalize(text) for slug, text in texts.items()}
    for citation in Citation.objects.select_related("source"):
        text = normalized.get(citation.source.slug, normalized.get(None))
        if text is None:
            continue
        at = text.find(normalize(citation.passage))
        if at < 0:
            yield (
                f"Citation {citation.key} quotes a passage not found in “{citation.source}”: "
                f"“{citation.passage[:80]}”."
            )
        elif citation.position is not None and citation.position != at:
            yield f"Citation {citation.key} gives position {citation.position}; its passage is at {at}."


def problems(texts=None):
    yield from unsupported_statements()
    yield from misquoted_citations(texts or {})
    yield from drifted_counts()


def drifted_counts():
    """Facet counts of the whole list that differ from the data (programs.summary)."""
    for facet, key, kept, counted in summary.drift():
        value, label, _, _ = kept or counted
        yield (
            f"The count of {facet} “{label or value or key}” kept for the list of initiatives "
            f"is {kept[-1] if kept else 'missing'}, the data say {counted[-1] if counted else 'none'}: "
            "run `manage.py reindex`."
        )


# ---------------------------------------------------------------------------------------------
# Coverage: how much of a source the citations quote, as a to-do list for curators.

SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]*\s+(?=[\"“‘(]?[A-Z0-9])")


@dataclass
class Coverage:
    sentences: list
    unquoted: list

    @property
    def share(self):
        return 1 - len(self.unquoted) / len(self.sentences) if self.sentences else 1.0


def coverage(text, citations):
    """Which sentences of `text` none of the `citations`' passages quotes (in part or whole)."""
    text = normalize(text)
    quoted = []
    for passage in {normalize(citation.passage) for citation in citations}:
        at = text.find(passage)
        if at >= 0:
            quoted.append((at, at + len(passage)))
    sentences, unquoted, start = [], [], 0
    for sentence in SENTENCE_END.split(text):
        begin = text.find(sentence, start)
        end = start = begin + len(sentence)
        sentences.append(sentence)
        if not any(a < end and begin < b for a, b in quoted):
            unquoted.append(sentence)
    return Coverage(sentences, unquoted)


def coverage_of(texts):
    """[(title, Coverage)] for each source text given (None: the citations of every source)."""
    reports = []
    for slug, text in texts.items():
        citations = Citation.objects.all() if slug is None else Citation.objects.filter(source__slug=slug)
        title = str(Source.objects.filter(slug=slug).first() or slug) if slug else "the source text"
        reports.append((title, coverage(text, citations.only("passage"))))
    return reports
