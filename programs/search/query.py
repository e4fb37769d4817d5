"""Reading a query, once per request: `parse(text)` gives the `Query` that the filter, the rank,
the headline and the template tags all take.

Web-search syntax: words (every one must match), "quoted phrases", -excluded words and `or`
between alternatives. Any text is accepted: control characters are dropped, the query is cut to
MAX_QUERY_LENGTH characters and MAX_TERMS terms. Words are folded as stored text is
(words.fold: "U.S.S.R." is "ussr", "start-ups" is "startups"); stop words and single letters are
left out. A query renders as the cleaned text it was read from, so a template can show it back.
"""

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import cached_property

from . import words as w

MAX_QUERY_LENGTH = 300
MAX_TERMS = 12

TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
POSSESSIVE = re.compile(r"['’]s\W*$", re.IGNORECASE)


def clean(text):
    """The text without control characters (PostgreSQL refuses NUL), spaces collapsed, cut short."""
    text = "".join(
        " " if char.isspace() else char
        for char in str(text or "")
        if char.isspace() or unicodedata.category(char) not in ("Cc", "Cf", "Cs", "Co")
    )
    return " ".join(text.split())[:MAX_QUERY_LENGTH].strip()


@dataclass(frozen=True)
class Term:
    """A word, or a phrase of words in order; the words lowercased and folded, not stemmed."""

    words: tuple

    @property
    def phrase(self):
        return len(self.words) > 1

    @property
    def text(self):
        return " ".join(self.words)


@dataclass(frozen=True)
class Query:
    text: str  # the cleaned query, as the reader typed it
    groups: tuple = ()  # every group must match; a group matches when any of its terms does
    excluded: tuple = ()  # no excluded term may match
    correction: str = ""  # how the names found spell a near miss ("Dartmouth"), shown to the reader
    near: bool = True  # whether near misses are looked for (search(): when few records match exactly)

    def __str__(self):
        return self.text

    def __bool__(self):
        return bool(self.text)

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

    @cached_property
    def near_text(self):
        """The words in which a near miss is looked for ("" when the query is not plain words)."""
        if not self.near or not self.is_plain:
            return ""
        return " ".join(term.text for term in self.terms if len(term.text) >= 3)

    def exactly(self):
        """This query, looking for no near miss."""
        return replace(self, near=False)

    def corrected(self, spelled):
        """This query with its words read as the names found spell them ({word: "Dartmouth"}): what
        the page marks and names; the text stays as the reader typed it."""
        groups = tuple((Term((spelled.get(group[0].text, group[0].text).lower(),)),) for group in self.groups)
        correction = " ".join(spelled.get(term.text, term.text) for term in self.terms)
        return replace(self, groups=groups, correction=correction)


def _term(text, *, quoted):
    """The term a bare word or a quoted phrase stands for, or None when nothing is left to search."""
    if not quoted:
        text = POSSESSIVE.sub("", text)  # "McFaul's" is McFaul
    if not quoted and w.HYPHENATED.fullmatch(text.strip("\"'()[]{}.,;:!?")):
        words = [w.plain(text)]  # "start-ups": the joined word, as folded text holds it
    else:
        words = w.words(w.fold(text) if quoted else w.undot(text))
    if len(words) == 1 and (len(words[0]) < 2 or words[0] in w.STOP_WORDS):
        return None
    return Term(tuple(words)) if words else None


def parse(text):
    """Read web-search syntax: words, "phrases", -exclusions, `or`. A Query is returned as it is."""
    if isinstance(text, Query):
        return text
    text = clean(text)
    groups, excluded = [], []
    join_next = last_positive = False
    for match in TOKEN.finditer(text):
        negated, phrase, bare = match.groups()
        if bare is not None:
            if bare.lower() == "or":
                join_next = last_positive  # `or` joins two wanted terms; elsewhere it is ignored
                continue
            negated = bare.startswith("-") and len(bare) > 1
            term = _term(bare[1:] if negated else bare, quoted=False)
        else:
            negated = bool(negated)
            term = _term(phrase, quoted=True)
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
    return Query(text=text, groups=tuple(groups), excluded=tuple(excluded))
