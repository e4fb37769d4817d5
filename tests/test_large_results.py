"""Large result sets stay fast: near misses are looked for only beside few exact matches, and past
COUNT_CAP initiatives (on PostgreSQL) the facets count a sample and say their counts are estimates."""

import math
import re

import pytest
from django.db import connection
from django.urls import reverse

from programs import browse
from programs.models import Initiative
from programs.search import NEAR_MISSES_BELOW
from tests.dom import dom

pytestmark = pytest.mark.django_db
postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="TABLESAMPLE is PostgreSQL's")

LIST = reverse("programs:initiative_list")
COMMON = "dialogue"  # in about half of the synthetic initiatives (programs.synthetic)


def make(name):
    return Initiative.objects.create(
        slug=re.sub(r"\W+", "-", name.lower()),
        name=name,
        kind="dialogue",
        summary="Scientists meet.",
        is_published=True,
    )


def total(response):
    return int(
        re.match(r"([\d,]+) initiatives?\b", dom(response).by_id("results-heading").text)
        .group(1)
        .replace(",", "")
    )


def names(response):
    return [row.find("h3").text for row in dom(response).find_all("li", class_="result")]


def test_a_near_miss_is_found_beside_few_exact_matches(client):
    make("Arctic Conference")
    make("Conferense of Mayors")  # as its sponsors misspelt it
    response = client.get(LIST, {"q": "conference"})
    assert names(response) == ["Arctic Conference", "Conferense of Mayors"]


def test_near_misses_are_left_out_once_the_words_match_a_page_of_records(client):
    for number in range(NEAR_MISSES_BELOW - 1):
        make(f"Arctic Conference {number}")
    make("Conferense of Mayors")
    assert total(client.get(LIST, {"q": "conference"})) == NEAR_MISSES_BELOW  # the near miss too
    make(f"Arctic Conference {NEAR_MISSES_BELOW}")
    response = client.get(LIST, {"q": "conference", "sort": "name"})
    assert total(response) == NEAR_MISSES_BELOW
    assert "Conferense of Mayors" not in names(response)
    assert "Conferense of Mayors" in names(client.get(LIST, {"q": "conferense"}))  # its own word finds it


# ---------------------------------------------------------------------------------------------
# Estimated counts (PostgreSQL): 2,000 synthetic initiatives, with the cap lowered to 200 results
# and the sample to 1,000 rows (half the table's pages).


@pytest.fixture
def synthetic(synthetic_initiatives, monkeypatch):
    monkeypatch.setattr(browse, "COUNT_CAP", 200)
    monkeypatch.setattr(browse, "SAMPLED_ROWS", 1000)


def facet_counts(response, param):
    """{value: (count, estimated)} of one facet as shown."""
    shown = {}
    for link in dom(response).find_all("a", data_facet=param):
        text = link.find("span", class_="facet-count").text
        shown[link.attr("data-value")] = (int(text.lstrip("≈ ").replace(",", "")), text.startswith("≈"))
    return shown


def exact_kinds(**narrowed):
    results = Initiative.objects.published().search(COMMON).filter(**narrowed)
    return {kind: results.filter(kind=kind).count() for kind in set(results.values_list("kind", flat=True))}


@postgresql
def test_past_the_cap_every_facet_shows_estimates_close_to_the_counts(client, synthetic):
    response = client.get(LIST, {"q": COMMON})
    assert "Counts marked ≈ are estimates" in dom(response).find("aside", class_="facets").text
    for param in ("track", "kind", "topic", "decade", "status"):
        assert all(estimated for _, estimated in facet_counts(response, param).values()), param
    shown, exact = facet_counts(response, "kind"), exact_kinds()
    assert sum(exact.values()) > 200
    for kind, n in exact.items():
        # Within four standard errors of a sample of half the pages, and the rounding to two figures.
        error = 4 * math.sqrt(n) + n / 20
        assert abs(shown[kind][0] - n) <= error, (kind, shown[kind], n)
    assert (
        total(response) == Initiative.objects.published().search(COMMON).count()
    )  # the list's own count is exact


@postgresql
def test_under_the_cap_a_chosen_facet_estimates_its_alternatives_and_the_others_count_exactly(
    client, synthetic
):
    results = Initiative.objects.published().search(COMMON)
    topic = min(
        {slug for slug in results.values_list("topics__slug", flat=True) if slug},
        key=lambda slug: results.filter(topics__slug=slug).count(),
    )
    assert results.filter(topics__slug=topic).count() <= 200 < results.count()
    response = client.get(LIST, {"q": COMMON, "topic": topic})
    kinds = facet_counts(response, "kind")
    assert {kind: n for kind, (n, _) in kinds.items()} == exact_kinds(topics__slug=topic)
    assert not any(estimated for _, estimated in kinds.values())
    assert all(estimated for _, estimated in facet_counts(response, "topic").values())


@postgresql
def test_the_json_says_which_counts_are_estimates(client, synthetic):
    facets = client.get(reverse("api:initiative_list"), {"q": COMMON}).json()["facets"]
    assert all(facet["estimated"] for facet in facets)
    facets = client.get(reverse("api:initiative_list"), {"q": "tokamak"}).json()["facets"]
    assert not any(facet["estimated"] for facet in facets)


def test_few_results_are_counted_exactly_and_say_nothing_of_estimates(client, article):
    response = client.get(LIST, {"q": "dialogue"})
    assert "estimates" not in dom(response).find("aside", class_="facets").text
    assert "≈" not in response.content.decode()
