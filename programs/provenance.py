"""What each fact of a page rests on: the passages of sources that support it.

A detail page gathers the citations of everything it shows (its record, the links it lists, the
linked records' facts it repeats) in one query, `Citation.objects.supporting(...)`, and hands
them to `Footnotes`. Each distinct passage is quoted once, numbered; each fact shown gets a
footnote marker linking to the passages that support it (`{% footnotes record "start" %}`).
"""

import re
from dataclasses import dataclass, field

from .models import CITABLE, SUBJECT_OF_MODEL, Citation


def normalized(text):
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class Passage:
    """A passage of a source as a page quotes it: once, with everything it supports there."""

    number: int
    source: object
    text: str
    supports: list = field(default_factory=list)  # [Support]

    @property
    def anchor(self):
        return f"passage-{self.number}"


@dataclass
class Support:
    """What one citation of a passage supports: some facts of a record, or a link."""

    subject: object
    facts: str  # in words, "" for a link
    note: str = ""


def subject_key(record):
    return SUBJECT_OF_MODEL[type(record)], record.pk


class Footnotes:
    """The passages quoted on one page, numbered in their sources' order, and the facts of
    each record or link shown that each passage supports."""

    @classmethod
    def of_records(cls, *records):
        """The footnotes of a page that shows `records` (records and links; None is skipped)."""
        shown = {subject_key(record): record for record in records if record is not None}
        return cls(Citation.objects.supporting(*shown.values()), shown)

    def __init__(self, citations, shown):
        # Each citation as it is, for the JSON twin, which lists them per fact (programs.api).
        self.citations = list(citations)
        self.passages = []
        by_text = {}
        self._supporting = {}
        for citation in self.citations:
            key = (citation.source_id, normalized(citation.passage))
            passage = by_text.get(key)
            if passage is None:
                passage = by_text[key] = Passage(len(self.passages) + 1, citation.source, citation.passage)
                self.passages.append(passage)
            subject = (citation.subject_field, getattr(citation, f"{citation.subject_field}_id"))
            passage.supports.append(Support(shown[subject], facts_in_words(citation), citation.note))
            # A link's passage supports the link itself; so does a record's that names no fact.
            for fact in citation.facts or [None]:
                found = self._supporting.setdefault((*subject, fact), [])
                if passage not in found:
                    found.append(passage)

    def __bool__(self):
        return bool(self.passages)

    def of(self, record, *facts):
        """The passages supporting these facts of `record` (a link: the link itself), in order."""
        subject = subject_key(record)
        found = {}
        for fact in facts or (None,):
            for passage in self._supporting.get((*subject, fact), []):
                found[passage.number] = passage
        return [found[number] for number in sorted(found)]


def facts_in_words(citation):
    """What a citation supports, for the list under its passage: "name, start", or ""."""
    model = CITABLE[citation.subject_field][0]
    return ", ".join(str(model._meta.get_field(fact).verbose_name) for fact in citation.facts or [])
