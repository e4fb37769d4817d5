import pytest
from django.core.cache import cache
from django.core.management import call_command

from programs.models import Country, Initiative, Institution, Source, Track


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    """Each test with a cache of its own, empty: nothing computed by another test is reused."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Whole pages from the cache have no template context to inspect: tests/test_caching.py
    # turns the page cache on where it tests it.
    settings.ATLAS_PAGE_CACHE = False
    cache.clear()


@pytest.fixture
def article(db, django_capture_on_commit_callbacks):
    """The knowledge base as `make run` loads it: the article's records and their first history."""
    # Run the on-commit work (the search index) that a real commit would run.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_article", verbosity=0)


@pytest.fixture
def atlas(db, django_capture_on_commit_callbacks):
    """A knowledge base larger than the article's, drafts included (tests/atlas_data.py)."""
    from tests.atlas_data import build_atlas

    with django_capture_on_commit_callbacks(execute=True):
        return build_atlas()


@pytest.fixture
def country(db):
    return Country.objects.create(slug="russia", name="Russia", is_published=True)


@pytest.fixture
def source(db):
    return Source.objects.create(
        slug="a-report", title="A report", kind="report", date="2015", is_published=True
    )


@pytest.fixture
def institution(country):
    return Institution.objects.create(
        slug="itmo", name="ITMO", kind="university", country=country, is_published=True
    )


@pytest.fixture
def track(db):
    return Track.objects.create(
        slug="track-ii", name="Track II", rank=3, definition="Unofficial dialogue.", is_published=True
    )


@pytest.fixture
def initiative(track):
    initiative = Initiative.objects.create(
        slug="a-dialogue",
        name="A Dialogue",
        kind="dialogue",
        summary="Citizens meet.",
        start="1960",
        is_published=True,
    )
    initiative.tracks.add(track)
    return initiative
