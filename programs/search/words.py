"""How text is cut into words, the same way for what is stored, what is asked and what is marked.

`fold()` rewrites the forms a reader types differently from the text: dotted abbreviations become
the plain word ("U.S.S.R." → "USSR") and a hyphenated word is also given joined ("start-ups" →
"startups start ups"), so that either form finds the other. Both databases then stem English
words (PostgreSQL's `english` configuration, SQLite's porter tokenizer); `stem()` is Snowball's
English stemmer, PostgreSQL's own, used where Python marks the matches.
"""

import re
from functools import lru_cache

import snowballstemmer

TOKEN = re.compile(r"[^\W_]+")
# Two or more single letters each followed by a dot, the last dot optional: U.S., U.S.S.R., e.g.
DOTTED = re.compile(r"(?<![\w.])(?:[^\W\d_]\.){1,}[^\W\d_](?![\w])\.?")
HYPHENATED = re.compile(r"\b\w+-[\w-]*\w")

# PostgreSQL's English stop words (Snowball's list): its configuration ignores them, and so does
# the query reader, so that both databases answer alike.
STOP_WORDS = frozenset(
    """i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she
    her hers herself it its itself they them their theirs themselves what which who whom this that
    these those am is are was were be been being have has had having do does did doing a an the and
    but if or because as until while of at by for with about against between into through during
    before after above below to from up down in out on off over under again further then once here
    there when where why how all any both each few more most other some such no nor not only own same
    so than too very s t can will just don should now""".split()  # noqa: SIM905 (127 words)
)

_stemmer = snowballstemmer.stemmer("english")


def undot(text):
    """ "U.S.S.R." → "USSR"."""
    return DOTTED.sub(lambda match: match.group().replace(".", ""), text)


def fold(text):
    """Text as it is stored for search: abbreviations undotted, hyphenated words given joined too."""
    text = str(text or "")
    if "." in text:  # most texts need neither rewrite: skip the scans
        text = undot(text)
    if "-" in text:
        text = HYPHENATED.sub(lambda match: f"{match.group().replace('-', '')} {match.group()}", text)
    return text


def words(text):
    """The words of a text, lowercased: letters and digits ("academic_year" is two words)."""
    return [word.lower() for word in TOKEN.findall(text)]


def plain(token):
    """One word of a query: lowercased, undotted, a hyphenated word joined ("Start-ups" → "startups")."""
    return "".join(words(undot(token)))


@lru_cache(maxsize=4096)
def stem(word):
    return _stemmer.stemWord(word.lower())


def trigrams(word):
    """The trigrams of a word as pg_trgm counts them: lowercased, two spaces before, one after."""
    return set(_in_order(word))


def similarity(word, other):
    """How much of `word` is in `other`, 0 to 1: the share of its trigrams that `other` has too
    (which word of the names found spells a query word: search.near_matches)."""
    mine = trigrams(word)
    return len(mine & trigrams(other)) / len(mine) if mine else 0.0


def word_similarity(query, text):
    """pg_trgm's word_similarity(query, text), 0 to 1: the greatest similarity (shared trigrams over
    all trigrams) between the query's trigrams and those of a stretch of the text, found as
    pg_trgm's iterate_word_similarity() finds it, so that a near miss is the same on both databases."""
    wanted = set().union(*(trigrams(word) for word in words(query)))
    sequence = [gram for word in words(fold(text)) for gram in _in_order(word)]
    if not wanted or not sequence:
        return 0.0
    best, lower, count, spread = 0.0, -1, 0, 0  # spread: the stretch's distinct trigrams
    last = {}  # trigram → its last position in the stretch
    for i, gram in enumerate(sequence):
        shared = gram in wanted
        if lower >= 0 or shared:
            if last.get(gram, -1) < 0:
                spread += 1
                count += shared
            last[gram] = i
        if not shared:
            continue
        if lower == -1:
            lower, spread = i, 1
        current = count / (len(wanted) + spread - count)
        # The stretch may start later for a greater similarity.
        first, tried_count, tried_spread = lower, count, spread
        for start in range(lower, i + 1):
            tried = tried_count / (len(wanted) + tried_spread - tried_count)
            if tried > current:
                current, spread, lower, count = tried, tried_spread, start, tried_count
            if last.get(sequence[start]) == start:
                tried_spread -= 1
                tried_count -= sequence[start] in wanted
        best = max(best, current)
        for start in range(first, lower):
            if last.get(sequence[start]) == start:
                last[sequence[start]] = -1
    return best


def _in_order(word):
    padded = f"  {word.lower()} "
    return [padded[i : i + 3] for i in range(len(padded) - 2)]
