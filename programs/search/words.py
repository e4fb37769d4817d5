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
    padded = f"  {word.lower()} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity(word, other):
    """How much of `word` is in `other`, 0 to 1: the share of its trigrams that `other` has too.

    pg_trgm's word_similarity() within one word, so that a near miss is the same on both databases.
    """
    mine = trigrams(word)
    return len(mine & trigrams(other)) / len(mine) if mine else 0.0


def word_similarity(query, text):
    """How closely every word of `query` appears in `text`: the least, over the query's words, of
    their best similarity to a word of the text (0 when the text has no words)."""
    found = set(words(fold(text)))
    wanted = query.lower().split()
    if not wanted or not found:
        return 0.0
    return min(max(similarity(word, other) for other in found) for word in wanted)
