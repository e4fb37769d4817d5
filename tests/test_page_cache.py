"""The page cache at the edge (programs.caching.cached_page): one entry per page and the
parameters it reads, in an alias of its own; every bulk path and every write of what a page shows
starts a new generation, whatever order the signal receivers were connected in.

What a test checks is what a reader sees. A write through QuerySet.update() sends no signal and
starts no generation, so a page kept before it is served as it was: that is how these tests tell
one cache entry from two, and a new generation from none.
"""

import io
import re
import time
import weakref
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, urlsplit
from urllib.request import urlopen

import pytest
from django.core.management import call_command
from django.db.models.signals import post_save
from django.urls import reverse

from programs import caching
from programs.browse import Browse
from programs.models import Initiative
from programs.search import parse

pytestmark = pytest.mark.django_db

DARTMOUTH = "dartmouth-conference"


def text(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def rename_silently(slug, name):
    """A write the cache is not told of (no signal, no new generation)."""
    Initiative.objects.filter(slug=slug).update(name=name)


@pytest.mark.parametrize(
    "first, then",
    [
        ("/initiatives/?utm_source=x&sort=start&page=1", "/initiatives/?page=1&sort=start"),
        (
            "/initiatives/?track=track-ii&track=track-1-5&fbclid=y",
            "/initiatives/?track=track-1-5&track=track-ii",
        ),
        ("/initiatives/?q=conference&utm_campaign=z", "/initiatives/?q=conference&q="),
        ("/initiatives/dartmouth-conference/?ref=mail", "/initiatives/dartmouth-conference/"),
        ("/?a=2&b=1", "/"),
        ("/search/?utm=x&q=conference", "/search/?q=conference"),
    ],
)
def test_a_page_is_one_entry_whatever_its_parameters_order_and_whatever_it_does_not_read(
    client, article, first, then
):
    kept = text(client.get(first))
    assert "Dartmouth" in kept  # (a search marks the word it found: Dartmouth <mark>Conference)
    rename_silently(DARTMOUTH, "A Renamed Conference")
    assert text(client.get(then)) == kept  # the entry the first request made
    # The page was made from the parameters it reads alone: no link carries the others.
    unknown = set(parse_qs(urlsplit(first).query)) - set(parse_qs(urlsplit(then).query, True))
    assert unknown
    for name in unknown:
        assert not re.search(rf"[?&;]{name}=", kept), name


def test_the_parameters_a_page_reads_make_entries_of_their_own(client, article):
    assert "Dartmouth Conference" in text(client.get("/initiatives/?sort=name&utm=x"))
    rename_silently(DARTMOUTH, "A Renamed Conference")
    assert "A Renamed Conference" in text(client.get("/initiatives/?sort=start"))
    assert "A Renamed Conference" in text(client.get("/initiatives/?sort=name&page=1"))


def test_a_change_renews_every_address_of_one_entry(client, article):
    addresses = ["/initiatives/?b=1&sort=name&a=2", "/initiatives/?sort=name"]
    for address in addresses:
        assert "Dartmouth Conference" in text(client.get(address))
    initiative = Initiative.objects.get(slug=DARTMOUTH)
    initiative.name = "A Renamed Conference"
    initiative.save()
    for address in addresses:
        assert "A Renamed Conference" in text(client.get(address))


def test_the_api_keeps_refusing_parameters_it_does_not_know(client, article):
    address = reverse("api:initiative_list")
    assert client.get(address, {"q": "conference"}).status_code == 200
    for _ in range(2):  # the second from the cache, if it were kept
        assert client.get(address, {"q": "conference", "bogus": "1"}).status_code == 400


def three_caches(pages_location="pages", most=3):
    def locmem(location, **options):
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": location,
            "OPTIONS": options,
        }

    return {
        "default": locmem("figures"),
        # Full at `most` entries, and then emptied (CULL_FREQUENCY 1: a cull takes every entry).
        "pages": locmem(pages_location, MAX_ENTRIES=most, CULL_FREQUENCY=1),
        "generation": locmem("generation"),
    }


def test_culling_pages_never_takes_the_generation_or_the_figures(client, article, settings):
    settings.CACHES = three_caches()
    text(client.get("/search/?q=students"))  # the global search's groups, in "default"
    before = caching.generation()
    found = caching.get("site-search", (parse("students").text,))
    assert found
    for initiative in Initiative.objects.published()[:8]:  # more pages than "pages" keeps
        text(client.get(initiative.get_absolute_url()))
    assert caching.generation() == before
    assert caching.get("site-search", (parse("students").text,)) == found


def test_one_cache_for_all_would_lose_the_generation_to_a_cull(client, article, settings):
    """Why the aliases are apart: the same pages culled from a cache that also holds the
    generation take it with them (so that every figure is computed again)."""
    settings.CACHES = {alias: caches for alias, caches in three_caches().items()}
    for alias in ("default", "generation"):
        settings.CACHES[alias] = settings.CACHES["pages"]
    before = caching.generation()
    for initiative in Initiative.objects.published()[:8]:
        text(client.get(initiative.get_absolute_url()))
    assert caching.generation() != before


# ---------------------------------------------------------------------------------------------
# Bulk paths


def test_reindex_starts_a_new_generation(client, article):
    """`reindex` is what an operator runs after writes that send no signal: its pages change."""
    address = "/initiatives/?q=zebracorn"
    assert "Dartmouth Conference" not in text(client.get(address))
    Initiative.objects.filter(slug=DARTMOUTH).update(summary="Zebracorn talks.")  # no signal
    assert "Dartmouth Conference" not in text(client.get(address))  # kept, and not indexed yet
    call_command("reindex", verbosity=0)
    assert "Dartmouth Conference" in text(client.get(address))


def test_load_article_starts_a_new_generation(client, article):
    rename_silently(DARTMOUTH, "A Renamed Conference")
    address = reverse("programs:initiative", args=[DARTMOUTH])
    assert "A Renamed Conference" in text(client.get(address))
    call_command("load_article", verbosity=0)  # the article's records as the fixtures have them
    assert "A Renamed Conference" not in text(client.get(address))


def test_synthesize_starts_a_new_generation(client, article):
    address = "/initiatives/?sort=name"
    assert "syn-" not in text(client.get(address))
    call_command("synthesize", initiatives=30, stdout=io.StringIO())
    names = set(Initiative.objects.filter(slug__startswith="syn-").values_list("name", flat=True))
    page = text(client.get(address))
    assert any(name in page for name in names)
    call_command("synthesize", remove=True, stdout=io.StringIO())
    page = text(client.get(address))
    assert not any(name in page for name in names)


@pytest.mark.django_db(transaction=True)
def test_restore_starts_a_new_generation(client, article, tmp_path):
    backup = tmp_path / "atlas.jsonl"
    call_command("backup", output=str(backup), verbosity=0)
    rename_silently(DARTMOUTH, "A Renamed Conference")
    address = reverse("programs:initiative", args=[DARTMOUTH])
    assert "A Renamed Conference" in text(client.get(address))
    call_command("restore", str(backup), interactive=False, verbosity=0)
    assert "A Renamed Conference" not in text(client.get(address))


# ---------------------------------------------------------------------------------------------
# The order of signal receivers


def receiver_module(entry):
    receiver = entry[1]
    if isinstance(receiver, weakref.ReferenceType):
        receiver = receiver()
    return getattr(receiver, "__module__", "")


@pytest.fixture
def receivers_in_order():
    """receivers_in_order(first, probe): post_save's receivers with those of module `first`
    first, then `probe`, then the others; put back as they were after the test."""
    saved = post_save.receivers[:]

    def reorder(first, probe):
        post_save.connect(probe, sender=Initiative, weak=False, dispatch_uid="tests.probe")

        def rank(entry):
            if receiver_module(entry) == first:
                return 0
            return 1 if entry[1] is probe else 2

        post_save.receivers.sort(key=rank)  # stable: otherwise as connected
        post_save.sender_receivers_cache.clear()

    yield reorder
    post_save.receivers[:] = saved
    post_save.sender_receivers_cache.clear()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("first", ["programs.caching", "programs.search_index"])
def test_a_save_outside_a_transaction_is_searched_at_once_whichever_receiver_runs_first(
    client, article, receivers_in_order, first
):
    """A reader between the first receiver and the last (another worker, in production) may keep
    a page made from half of the change: the write that completes it starts a new generation."""
    address = "/initiatives/?q=zebracorn"
    seen = []

    def probe(sender, instance, **kwargs):
        seen.append("Dartmouth Conference" in text(client.get(address)))

    receivers_in_order(first, probe)
    initiative = Initiative.objects.get(slug=DARTMOUTH)
    initiative.summary = "Zebracorn talks."
    initiative.save()  # autocommit: each receiver's write commits on its own
    # Told first, the cache's receiver left the reader between it and the search document's write.
    assert seen == [first != "programs.caching"]
    assert "Dartmouth Conference" in text(client.get(address))


def test_a_cold_page_many_readers_ask_for_at_once_is_computed_once(live_server, article, monkeypatch):
    """Eight readers at once, on a server of eight threads, ask for a page that takes a while to
    count: one of them counts it, the others get the page it keeps."""
    counted = []
    groups = Browse.groups

    def slow_groups(browse):
        counted.append(browse.query.text)
        time.sleep(0.5)
        return groups(browse)

    monkeypatch.setattr(Browse, "groups", slow_groups)
    address = f"{live_server.url}/initiatives/?q=students"
    with ThreadPoolExecutor(8) as readers:
        pages = list(readers.map(lambda _: urlopen(address, timeout=30).read(), range(8)))
    assert counted == ["students"]
    assert len(set(pages)) == 1 and b"students" in pages[0]
