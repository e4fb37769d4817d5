"""Hostile input for the fuzz tests (tests/test_fuzz*.py): Hypothesis strategies, the settings
profile they run under, and what every answer must satisfy.

The strings mix NUL and control bytes, 10,000-character runs, PostgreSQL tsquery and websearch
operators, SQL and LIKE metacharacters, path tricks, numbers out of range and odd unicode, and
often carry PROBE: markup that must never come back unescaped.
"""

import os
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

from django.apps import apps
from django.core import serializers
from django.db import connection
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Examples per parameter: 50 by default, more in a deep run (ATLAS_FUZZ_EXAMPLES=500).
EXAMPLES = int(os.environ.get("ATLAS_FUZZ_EXAMPLES", "50"))

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
    "1",
    "2",
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


# ---------------------------------------------------------------------------------------------
# The admin's forms, and the state of the database around a post


class FormReader(HTMLParser):
    """The fields of the admin's change form, with the values a browser would post untouched."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.data = {}  # name -> list of values
        self.options = {}  # name of a select -> its option values
        self.select = None
        self.textarea = None

    def add(self, name, value):
        if name and "__prefix__" not in name:
            self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.add(name, attrs.get("value", "on"))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self.add(name, attrs.get("value", ""))
        elif tag == "select":
            self.select = name
            if name and "__prefix__" not in name:
                self.options.setdefault(name, [])
                self.data.setdefault(name, [])
        elif tag == "option" and self.select:
            if self.select in self.options:
                self.options[self.select].append(attrs.get("value", ""))
            if "selected" in attrs:
                self.add(self.select, attrs.get("value", ""))
        elif tag == "textarea":
            self.textarea = name
            self.add(name, "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea and self.textarea in self.data:
            if not self.data[self.textarea][-1]:  # a browser drops the newline that opens a textarea
                data = data.removeprefix("\r").removeprefix("\n")
            self.data[self.textarea][-1] += data


def read_form(client, url, model):
    response = client.get(url)
    assert response.status_code == 200, url
    reader = FormReader(f"{model._meta.model_name}_form")
    reader.feed(response.content.decode())
    assert reader.data, f"no form fields found at {url}"
    return reader.data, reader.options


def row_counts():
    """The number of rows of every table, in one query."""
    quote = connection.ops.quote_name
    tables = sorted(
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.db_table != "django_session"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(table)})" for table in tables))
        return dict(zip(tables, cursor.fetchone(), strict=True))


def snapshot(model, pk=None):
    """The stored form of one record of `model`, or of all of them."""
    records = model._default_manager.order_by("pk")
    return serializers.serialize("json", records if pk is None else records.filter(pk=pk))
