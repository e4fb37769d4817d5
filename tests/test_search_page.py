"""One search across every kind of record: grouped by kind, matches highlighted, any input accepted."""

import re

import pytest
from django.urls import reverse

from tests.dom import dom
from tests.test_search import NASTY

pytestmark = pytest.mark.django_db

SEARCH = reverse("programs:search")


def search(client, query):
    response = client.get(SEARCH, {"q": query})
    assert response.status_code == 200
    return response


def groups(response):
    return dom(response).find_all("section", class_="result-group")


def kinds(response):
    """The kinds of record found, in the page's order (each group's id is "<kind>-results")."""
    return [group.attr("id").removesuffix("-results") for group in groups(response)]


def rows(group):
    return [row.find("h3").text for row in group.find_all("li", class_="result")]


def test_without_a_query_the_page_offers_the_search_box(client, atlas):
    html = client.get(SEARCH).content.decode()
    assert "<h1>Search the knowledge base</h1>" in html
    assert 'name="q"' in html


def test_results_are_grouped_by_kind(client, atlas):
    response = search(client, "Stanford")
    assert kinds(response) == ["initiative", "institution"]
    assert "Stanford University" in rows(groups(response)[1])
    response = search(client, "Dartmouth")
    assert kinds(response) == ["initiative", "event", "statistic"]  # its 2016 session, by its initiative
    response = search(client, "students")
    assert "initiative" in kinds(response) and "statistic" in kinds(response)


def test_matches_are_highlighted_in_context(client, atlas):
    html = search(client, "frameworks").content.decode()
    assert "<mark>frameworks</mark>" in html
    assert "Dartmouth Conference" in html
    html = search(client, "McFaul").content.decode()
    assert "Michael <mark>McFaul</mark>" in html


def test_a_group_links_to_all_its_results(client, atlas):
    response = search(client, "seminars")
    group = groups(response)[0]
    assert group.find("span", class_="facet-count").text == "16" and len(rows(group)) == 5
    assert f'href="{reverse("programs:initiative_list")}?q=seminars"' in response.content.decode()


def test_drafts_are_not_found(client, atlas):
    response = search(client, "hidden")
    assert groups(response) == [] and dom(response).find("p", class_="empty")
    assert "Nothing matches" in search(client, "secret").content.decode()


@pytest.mark.parametrize("query", NASTY)
def test_any_input_answers_200_and_is_escaped(client, atlas, query):
    html = search(client, query).content.decode()
    assert "<script>alert" not in html
    assert "\x00" not in html


def test_the_query_is_echoed_escaped(client, atlas):
    html = search(client, '"><img src=x>').content.decode()
    assert "<img src=x>" not in html
    assert re.search(r'value="&quot;&gt;&lt;img src=x&gt;"', html)


def test_a_near_miss_says_what_it_shows(client, atlas):
    html = search(client, "Dartmuth").content.decode()
    assert "Showing results for <strong>Dartmouth</strong>" in html
    assert "<mark>Dartmouth</mark> Conference" in html
    html = client.get(reverse("programs:initiative_list"), {"q": "Dartmuth Conferense"}).content.decode()
    assert "Showing results for <strong>Dartmouth Conference</strong>" in html
    html = client.get(reverse("programs:person_list"), {"q": "McFal"}).content.decode()
    assert "Showing results for <strong>McFaul</strong>" in html
    assert "Michael <mark>McFaul</mark>" in html


def test_an_exact_match_says_nothing_of_near_misses(client, atlas):
    html = search(client, "Dartmouth").content.decode()
    assert "Showing results for" not in html
    assert "<mark>Dartmouth</mark> Conference" in html


def test_what_the_article_writes_otherwise_is_found(client, article):
    html = search(client, "startups").content.decode()
    assert "American Councils’ innovation accelerator" in html
    assert "<mark>start-ups</mark>" in html
    html = search(client, "USSR").content.decode()
    assert "<mark>U.S.-U.S.S.R.</mark>/Russian interagency scientific cooperation" in html
    html = search(client, "students").content.decode()
    assert "U.S. <mark>students</mark> in Russia" in html
    assert "Russians studying in the United States" in html  # counted in students


def test_stored_text_cannot_mark_words_the_query_did_not_find(client, initiative):
    # ⟪ ⟫ are what the database marks its matches with; text that holds them marks nothing.
    initiative.summary = "Citizens \u27eameet\u27eb in Geneva, <mark>twice</mark>."
    initiative.save()
    html = search(client, "Geneva").content.decode()
    assert "<mark>Geneva</mark>" in html
    assert "<mark>meet</mark>" not in html and "<mark>twice</mark>" not in html
