"""Showing matches: the words of a query marked in text, escaped, cut around the first match.

A word is marked when its stem is a query word's stem (Snowball's English stemmer, as PostgreSQL
stems), a phrase when its words follow one another. Text is folded as stored text is, so
"U.S.S.R." is marked for "USSR" and "start-ups" for "startups".
"""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

from . import words
from .backends import MARK_START, MARK_STOP
from .query import parse
from .weights import document

# A word of the text as the reader sees it, in one piece: "U.S.-Russia", "start-ups", "McFaul's".
_PIECE = r"(?:(?:[^\W\d_]\.)+[^\W\d_]\.?|\w+)"
TEXT_WORD = re.compile(rf"{_PIECE}(?:['’-]{_PIECE})*")


def marked(headline):
    """A headline from the database, escaped, with its match markers turned into <mark>."""
    text = escape(headline)
    if text.count(MARK_START) != text.count(MARK_STOP):
        return mark_safe(text.replace(MARK_START, "").replace(MARK_STOP, ""))  # noqa: S308 (escaped)
    return mark_safe(text.replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>"))  # noqa: S308


def spans(text, query):
    """[(start, end)] of the matches of the query's terms in `text`, in order, not overlapping."""
    terms = parse(query).terms
    if not terms:
        return []
    pieces = list(TEXT_WORD.finditer(text))
    # The stems of the words stored for each piece (words.fold), with the piece they come from.
    flat = [
        (words.stem(word), piece)
        for piece, match in enumerate(pieces)
        for word in words.words(words.fold(match.group()))
    ]
    found = set()
    for term in terms:
        wanted = [words.stem(word) for word in term.words]
        for i in range(len(flat) - len(wanted) + 1):
            if all(flat[i + k][0] == stem for k, stem in enumerate(wanted)):
                found.add((pieces[flat[i][1]].start(), pieces[flat[i + len(wanted) - 1][1]].end()))
    chosen, position = [], 0
    for start, end in sorted(found):
        if start >= position:
            chosen.append((start, end))
            position = end
    return chosen


def highlight(text, query, *, words=None):
    """`text` escaped, with the query's terms in <mark>; cut to about `words` words around the
    first match when `words` is given."""
    text = str(text or "")
    found = spans(text, query)
    start, end, prefix, suffix = 0, len(text), "", ""
    pieces = [match.span() for match in re.finditer(r"\S+", text)]
    if words and len(pieces) > words:
        centre = found[0][0] if found else 0
        index = next((i for i, (_, stop) in enumerate(pieces) if stop > centre), 0)
        first = max(0, min(index - words // 3, len(pieces) - words))
        start, end = pieces[first][0], pieces[first + words - 1][1]
        prefix, suffix = ("… " if first else ""), (" …" if first + words < len(pieces) else "")
    parts, position = [], start
    for match_start, match_end in found:
        if match_start < position or match_end > end:
            continue
        parts.append(escape(text[position:match_start]))
        parts.append(f"<mark>{escape(text[match_start:match_end])}</mark>")
        position = match_end
    parts.append(escape(text[position:end]))
    return mark_safe(escape(prefix) + "".join(parts) + escape(suffix))  # noqa: S308 (every part escaped)


def snippet(record, query, *, words=30):
    """The passage of a search result around its matches: the database's headline when it made
    one, else the record's snippet fields (weights.DOCUMENTS) marked here."""
    headline = getattr(record, "headline", None)
    if headline:
        return marked(headline)
    fields = document(record).snippet if document(record) else ()
    text = " ".join(str(getattr(record, name, "") or "") for name in fields).strip()
    return highlight(text, query, words=words)
