"""Hostile input on every public URL: Hypothesis sends EXAMPLES requests per URL and per kind of
input (query parameters; the record's address in the path) through Django's test client.
No answer may be a server error, echo the input's markup unescaped or redirect off-site.

The URLs are read from the URLconf (the `programs` namespace, and `api`: the pages' JSON twins),
and each page's query parameters
are found by watching which keys the page reads from request.GET, so new pages and new
parameters are fuzzed without editing this file. The records behind the pages carry the probe
markup in their names and texts too, so stored text is checked for escaping as well.
"""

from decimal import Decimal
from urllib.parse import quote

import pytest
from django.apps import apps
from django.db import transaction
from django.http import QueryDict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.converters import IntConverter
from django.urls.exceptions import NoReverseMatch
from hypothesis import given
from hypothesis import strategies as st

from programs.models import Event, Initiative, Institution, Person, Source, Statistic, Topic
from programs.twins import api_twin
from tests.hostile import (
    FUZZ,
    PROBE,
    RAW_QUERY_PIECES,
    SPECIAL,
    check_answer,
    hostile_text,
    hostile_value,
    query_string,
)

NAMESPACES = ("programs", "api")
# Keys no page reads (or not yet): sent along, they must be ignored.
UNKNOWN_KEYS = ["order", "format", "type", "next", "callback", "debug", "page[]", "q[]", "__proto__"]
# A page that reads no parameter is only checked for ignoring unknown ones, with fewer examples.
IGNORED_EXAMPLES = max(FUZZ.max_examples // 10, 10)


def public_patterns(patterns=None, namespace=None):
    """Every named URL pattern of the public site and its API: ("namespace:name", pattern)."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from public_patterns(entry.url_patterns, entry.namespace or namespace)
        elif isinstance(entry, URLPattern) and namespace in NAMESPACES and entry.name:
            yield f"{namespace}:{entry.name}", entry


PATTERNS = dict(public_patterns())


@pytest.fixture
def hostile_records(initiative, institution, source, country, track):
    """Published records of every kind, some named with markup, linked to one another."""
    topic = Topic.objects.create(slug="hostile-topic", name=f"Topic {PROBE}", is_published=True)
    person = Person.objects.create(
        slug="hostile-person", name=f"Person {PROBE}", description=PROBE, is_published=True
    )
    hostile_institution = Institution.objects.create(
        slug="hostile-institution",
        name=f"Institute {PROBE}",
        acronym="<b>",
        kind="other",
        country=country,
        description=PROBE,
        is_published=True,
    )
    hostile = Initiative.objects.create(
        slug="hostile-initiative",
        name=f"Dialogue {PROBE}",
        kind="forum",
        summary=f"Summary {PROBE}",
        description=f"<script>alert(1)</script> {PROBE}",
        start="2016-03",
        places=PROBE,
        is_published=True,
    )
    hostile.tracks.add(track)
    hostile.topics.add(topic)
    hostile.countries.add(country)
    hostile.institutions.add(hostile_institution, through_defaults={"role": "host", "note": PROBE})
    hostile.people.add(person, through_defaults={"role": "participant"})
    initiative.topics.add(topic)
    initiative.institutions.add(institution, through_defaults={"role": "organizer"})
    Source.objects.create(
        slug="hostile-source", title=f"Report {PROBE}", kind="report", date="2015", is_published=True
    )
    Statistic.objects.create(
        slug="hostile-statistic",
        measure=f"Students {PROBE}",
        value=Decimal("3500"),
        stated_value=f"more than 3,500 {PROBE}",
        unit="students",
        precision="more_than",
        period="academic_year",
        period_start="2013",
        period_end="2014",
        initiative=hostile,
        is_published=True,
    )
    event = Event.objects.create(
        slug="hostile-event",
        name=f"Session {PROBE}",
        initiative=hostile,
        date="2016",
        places=PROBE,
        is_published=True,
    )
    event.institutions.add(hostile_institution)
    event.people.add(person)


def example_paths():
    """For each URL name, the address of one published record it shows (its page, its JSON),
    with its arguments."""
    examples = {}
    for model in apps.get_app_config("programs").get_models():
        if not hasattr(model, "get_absolute_url") or not hasattr(model.objects, "published"):
            continue
        for record in model.objects.published()[:3]:
            try:
                url = record.get_absolute_url()
            except NoReverseMatch:  # a page not built yet
                continue
            match = resolve(url)
            if match.namespace == "programs":
                examples.setdefault(match.view_name, (url, match.kwargs))
                examples.setdefault(f"api:{match.url_name}", (api_twin(url), match.kwargs))
    # A record's versions and citation files (programs.views.citing), and a release's files,
    # of which a test database has none: its address is fuzzed all the same.
    initiative = Initiative.objects.published().first()
    version = initiative.history.first().history_id
    for name, args in [
        ("record_version", [Initiative, initiative.slug, version]),
        ("record_version_cite", [Initiative, initiative.slug, version, "bib"]),
        ("record_cite", [Initiative, initiative.slug, "ris"]),
        ("release_file", ["2016-11-05", "datapackage.json"]),
    ]:
        url = reverse(f"programs:{name}", args=args)
        kwargs = {k: v for k, v in resolve(url).kwargs.items() if k not in ("model", "extension")}
        examples.setdefault(f"programs:{name}", (url, kwargs))
    return examples


def example_path(name):
    """An address for the URL `name`: a real record's if one has a page there."""
    found = example_paths().get(name)
    if found:
        return found
    converters = getattr(PATTERNS[name].pattern, "converters", {})
    kwargs = {key: "1" if isinstance(conv, IntConverter) else "x" for key, conv in converters.items()}
    return reverse(name, kwargs=kwargs), kwargs


class KeyRecorder:
    """Records every key a page looks up in a QueryDict while it answers."""

    METHODS = ["get", "getlist", "__getitem__", "__contains__", "pop", "lists"]

    def __init__(self, monkeypatch):
        self.keys = set()
        for method in self.METHODS:
            original = getattr(QueryDict, method)
            monkeypatch.setattr(QueryDict, method, self.wrap(original))

    def wrap(self, original):
        recorder = self

        def recorded(querydict, *args, **kwargs):
            if args and isinstance(args[0], str):
                recorder.keys.add(args[0])
            return original(querydict, *args, **kwargs)

        return recorded


def parameters_read_by(path, monkeypatch):
    """The query keys the page at `path` reads: asked plainly, then with each key given."""
    client = Client()
    with monkeypatch.context() as patch:
        recorder = KeyRecorder(patch)
        for _ in range(3):
            known = set(recorder.keys)
            client.get(path, {key: "a" for key in known})
            if recorder.keys == known:
                break
    return sorted(recorder.keys - {"csrfmiddlewaretoken"})


def check(response, name, label):
    check_answer(response, label)
    if name.startswith("api:") and name != "api:docs":  # the API answers JSON, errors included
        assert response["Content-Type"].startswith("application/json"), f"{label}: {response['Content-Type']}"


def get(client, path):
    # Each request in a savepoint of its own: a failed query must not poison the next example.
    with transaction.atomic():
        return client.get(path)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_query_parameters(name, hostile_records, monkeypatch):
    """Every parameter the page reads gets a hostile value (or two) in every example, so each
    one is fuzzed EXAMPLES times; unknown and repeated keys and broken escapes ride along. A page
    that reads no parameter is asked a few times with unknown ones, which it must ignore."""
    path, _ = example_path(name)
    keys = parameters_read_by(path, monkeypatch)
    client = Client()
    known = st.fixed_dictionaries({key: st.lists(hostile_value, min_size=1, max_size=2) for key in keys})
    unknown_key = st.one_of(st.sampled_from(UNKNOWN_KEYS), hostile_text)
    unknown = st.lists(st.tuples(unknown_key, hostile_value), min_size=0 if keys else 1, max_size=2)
    raw_tail = st.one_of(st.just(""), st.lists(st.sampled_from(RAW_QUERY_PIECES), max_size=4).map("".join))
    profile = FUZZ if keys else FUZZ.__class__(FUZZ, max_examples=IGNORED_EXAMPLES)

    @profile
    @given(known=known, unknown=unknown, raw_tail=raw_tail)
    def fuzz(known, unknown, raw_tail):
        pairs = [(key, value) for key, values in known.items() for value in values] + unknown
        url = f"{path}?{query_string(pairs, raw_tail)}"
        check(get(client, url), name, url[:200])

    fuzz()


PATH_TRICKS = ["..", "../..", "%2e%2e", "./", "//", "%2F", "\\", ";x", "%00", "x%00", "%ff", "~", "*"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", sorted(name for name, entry in PATTERNS.items() if getattr(entry.pattern, "converters", None))
)
def test_record_addresses(name, hostile_records):
    path, kwargs = example_path(name)
    client = Client()
    segment = st.one_of(
        hostile_value.map(lambda value: quote(value, safe="")),
        st.sampled_from(PATH_TRICKS),
        st.sampled_from(SPECIAL).map(lambda value: quote(value, safe="/")),
    )

    @FUZZ
    @given(values=st.fixed_dictionaries({key: segment for key in kwargs}))
    def fuzz(values):
        segments = path.split("/")
        for key, value in values.items():
            segments[segments.index(str(kwargs[key]))] = value
        url = "/".join(segments)
        check(get(client, url), name, url[:200])

    fuzz()


@pytest.mark.django_db
def test_the_fuzz_covers_the_public_site(hostile_records):
    """The home page at least; and every page that shows a record has a record to show."""
    assert "programs:home" in PATTERNS and "api:home" in PATTERNS
    examples = example_paths()
    for name, entry in PATTERNS.items():
        if getattr(entry.pattern, "converters", None):
            assert name in examples, f"no published record is shown at {name}"
