"""Hostile input for the fuzz tests (tests/test_fuzz*.py): Hypothesis strategies, the settings
profile they run under, and what every answer must satisfy.

The strings mix NUL and control bytes, 10,000-character runs, PostgreSQL tsquery and websearch
operators, SQL and LIKE metacharacters, path tricks, numbers out of range and odd unicode, and
often carry PROBE: markup that must never come back unescaped.
"""

import os
from urllib.parse import quote, urlsplit

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

EXAMPLES = int(os.environ.get("ATLAS_FUZZ_EXAMPLES", "500"))

settings.register_profile(
    "atlas-fuzz",
    max_examples=EXAMPLES,
    # Requests through the test client take milliseconds, but a slow moment on a shared machine
    # must not fail a run: no deadline, no "too slow" health check.
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,  # the records are read, or compared before and after
    ],
    # The same examples on every CI run, so that a red build is reproducible; locally, set
    # ATLAS_FUZZ_RANDOM=1 to explore new ones.
    derandomize=os.environ.get("ATLAS_FUZZ_RANDOM") != "1",
    database=None,
    print_blob=True,
)
FUZZ = settings.get_profile("atlas-fuzz")

# Markup that breaks out of an attribute and opens an element: escaped, it is harmless text.
PROBE = "\"'><fuzz-probe x=1>"
PROBE_RAW = b"<fuzz-probe"

SPECIAL = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x00" * 8,
    "\r\n",
    "\t\x0b\x0c",
    "\x1b[31m",
    # tsquery and websearch syntax
    "&",
    "|",
    "!",
    "!!",
    "<->",
    "<2>",
    "<-1>",
    ":*",
    "a:*",
    "a:A",
    "a & | b",
    "(a | b",
    "a)) ((",
    "!(",
    '"',
    '"unterminated',
    '""',
    "-",
    "--",
    "- -a",
    "or",
    "OR OR",
    "a OR",
    "'",
    "''",
    "\\",
    "\\'",
    # SQL and LIKE
    "' OR '1'='1",
    "1; DROP TABLE programs_initiative;--",
    "%",
    "_",
    "%%_%",
    "[a-z]",
    # paths and encodings
    "..",
    "../",
    "../../etc/passwd",
    "..%2f..%2f",
    "%2e%2e%2f",
    "%00",
    "%",
    "%zz",
    "%ff%fe",
    "//evil.example",
    "/\\evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "?",
    "#",
    ";",
    "&amp;",
    "a=b&c=d",
    # numbers
    "0",
    "-1",
    "1.5",
    "1e309",
    "99999999999999999999999999",
    "-99999999999999999999999999",
    "NaN",
    "inf",
    "0x10",
    " 2 ",
    "２",
    # unicode
    "Ἀθῆναι",
    "Россия",
    "\u202eevil",
    "a\u0301\u0302\u0303",
    "\u200b\u200d\ufeff",
    "\U0001f600",
    "＜script＞",
    "\uffff",
    "İı",
    # markup
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "{{ settings.SECRET_KEY }}",
    "{% debug %}",
    PROBE,
]

# Characters that arbitrary text draws from: everything but lone surrogates (which no UTF-8
# request can carry).
CHARACTERS = st.characters(exclude_categories=["Cs"])


def _long(pieces):
    return pieces.map(lambda piece: (piece * (10_000 // max(len(piece), 1) + 1))[:10_000])


hostile_text = st.one_of(
    st.sampled_from(SPECIAL),
    st.text(CHARACTERS, max_size=40),
    st.lists(st.sampled_from(SPECIAL + ["a", "b", "treaty", "MIT", "1960"]), max_size=8).map(" ".join),
    _long(st.one_of(st.sampled_from(SPECIAL[1:]), st.text(CHARACTERS, min_size=1, max_size=5))),
    st.tuples(st.text(CHARACTERS, max_size=10), st.sampled_from(SPECIAL)).map("".join),
)

# A value as a request carries it; half of them also carry the probe.
hostile_value = st.one_of(hostile_text, hostile_text.map(lambda text: text + PROBE))

# Raw pieces of a query string, not produced by urlencode: bad percent-escapes, invalid UTF-8.
RAW_QUERY_PIECES = ["%ff", "%C0%AF", "%E2%82", "%", "%%", "%0", "&&", "=", "==", "&=&", ";", "+", "%2B"]


def encode(value):
    return quote(value, safe="")


def query_string(pairs, raw_tail=""):
    """`pairs` percent-encoded as a browser would, then `raw_tail` appended as is."""
    encoded = "&".join(f"{encode(key)}={encode(value)}" for key, value in pairs)
    return encoded + raw_tail


def check_answer(response, label):
    """What every answer to hostile input must satisfy: no server error; on an HTML page, no
    markup of the input echoed unescaped; no redirect to another site."""
    assert response.status_code < 500, f"{label}: {response.status_code}"
    if 300 <= response.status_code < 400:
        location = urlsplit(response["Location"])
        assert location.scheme in ("", "http", "https"), f"{label}: redirect to {location}"
        assert location.netloc in ("", "testserver"), f"{label}: redirect off-site to {location.netloc}"
    if response.get("Content-Type", "").startswith("text/html"):
        body = response.content
        assert PROBE_RAW not in body, f"{label}: input reflected unescaped"
        assert b"Traceback" not in body, f"{label}: a traceback is shown"
