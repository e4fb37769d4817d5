"""The initiatives list: search, facets with counts, sort, pagination and the CSV of the result set."""

import csv
import io
import re
from urllib.parse import parse_qsl

import pytest
from django.urls import reverse

from programs.models import Initiative
from tests.dom import dom
from tests.test_search import NASTY

pytestmark = pytest.mark.django_db

LIST = reverse("programs:initiative_list")
CSV = reverse("programs:initiative_csv")


def get(client, params="", status=200):
    response = client.get(LIST + params)
    assert response.status_code == status
    return response


def names_on(response):
    """The initiatives' names, in the list's order."""
    return [row.find("h3").text for row in dom(response).find_all("li", class_="result")]


def metas_on(response):
    """Each row's line of kind, tracks, span and status, as its parts: ["Dialogue", "Track II", …]."""
    return [
        row.find("p", class_="meta").text.split(" · ")
        for row in dom(response).find_all("li", class_="result")
    ]


def total(response):
    """The number of initiatives found, as the heading of the results says it."""
    heading = dom(response).by_id("results-heading").text
    return int(re.match(r"([\d,]+) initiatives?\b", heading).group(1).replace(",", ""))


def page_of(response):
    """(page, pages) as the heading of the results says it: "…, page 2 of 3"; one page says none."""
    found = re.search(r"page (\d+) of (\d+)", dom(response).by_id("results-heading").text)
    return (int(found.group(1)), int(found.group(2))) if found else (1, 1)


def sort_of(response):
    """The sort the sort links show as chosen."""
    [sorts] = dom(response).find_all("nav", class_="sorts")
    [chosen] = sorts.find_all("a", aria_current="true")
    return dict(parse_qsl(chosen.attr("href").partition("?")[2]))["sort"]


def counts(response, param):
    """{value: count} of one facet as shown."""
    links = dom(response).find_all("a", data_facet=param)
    if not links:
        raise KeyError(param)
    return {
        link.attr("data-value"): int(link.find("span", class_="facet-count").text.replace(",", ""))
        for link in links
    }


def starts_on(response):
    """The start of each initiative listed, in the list's order."""
    start = dict(Initiative.objects.published().values_list("name", "start"))
    return [start[name] for name in names_on(response)]


def csv_rows(client, params=""):
    response = client.get(CSV + params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_the_list_shows_every_published_initiative(client, atlas):
    response = get(client)
    assert total(response) == Initiative.objects.published().count() == 37
    assert len(names_on(response)) == 20


def test_a_search_narrows_the_list_and_highlights_matches(client, atlas):
    response = get(client, "?q=students")
    assert names_on(response) == ["Stanford U.S.-Russia Forum"]
    assert "<mark>students</mark>" in response.content.decode()
    assert sort_of(response) == "relevance"


def test_facets_count_the_current_results(client, atlas):
    response = get(client)
    tracks = counts(response, "track")
    assert sum(tracks.values()) == 37
    assert counts(response, "kind")["conference_series"] == 6  # Dartmouth + 5 numbered
    assert counts(response, "decade")["1960s"] == 4  # Dartmouth + 3 numbered
    assert counts(response, "institution")["kettering-foundation"] == 1
    assert "secret-topic" not in counts(response, "topic")  # a draft topic is no facet value
    assert "hidden-institute" not in counts(response, "institution")


def test_two_facets_narrow_the_list_and_change_the_counts(client, atlas):
    before = get(client)
    one = get(client, "?track=track-ii")
    assert total(one) == counts(before, "track")["track-ii"]
    assert counts(one, "track") == counts(before, "track")  # alternatives keep their counts
    assert counts(one, "kind") != counts(before, "kind")
    two = get(client, "?track=track-ii&status=ongoing")
    assert total(two) == counts(one, "status")["ongoing"]
    assert counts(two, "kind") != counts(one, "kind")
    assert metas_on(two)
    for meta in metas_on(two):
        assert meta[-1] == "Ongoing"
        assert "Track II" in meta


def test_several_values_of_one_facet_are_alternatives(client, atlas):
    one = total(get(client, "?topic=space"))
    other = total(get(client, "?topic=health"))
    assert one and other
    assert total(get(client, "?topic=space&topic=health")) == one + other


def test_facet_links_toggle_a_value_and_keep_the_rest_of_the_query(client, atlas):
    html = get(client, "?q=seminars&track=track-ii&page=1").content.decode()
    link = re.search(r'href="([^"]*)"[^>]*data-facet="status" data-value="unknown"', html).group(1)
    link = link.replace("&amp;", "&")
    assert "q=seminars" in link and "track=track-ii" in link and "status=unknown" in link
    assert "page=" not in link
    selected = re.search(r'href="([^"]*)" class="selected"[^>]*data-facet="track"', html).group(1)
    assert "track=" not in selected  # choosing a chosen value again removes it


@pytest.mark.parametrize(
    "params",
    [
        "?track=no-such-track",
        "?kind=spaceship",
        "?decade=19x0s",
        "?status=??",
        "?institution=",
        "?sort=wrong",
    ],
)
def test_unknown_facet_values_and_sort_keys_are_ignored(client, atlas, params):
    assert total(get(client, params)) == 37


def test_any_facet_value_or_sort_key_answers_200(client, atlas):
    for value in ["\x00", "x" * 10_000, "'; DROP TABLE x; --", "🙂", "Дартмут", "%", "a\x00b"]:
        params = {param: value for param in ("track", "kind", "topic", "institution", "country", "decade")}
        response = client.get(LIST, {**params, "status": value, "sort": value, "q": value})
        assert response.status_code == 200
        response = client.get(CSV, {**params, "sort": value})
        assert response.status_code == 200
        b"".join(response.streaming_content)
        assert client.get(LIST, {"page": value}).status_code == 404


def test_an_unknown_value_beside_a_known_one_is_ignored(client, atlas):
    response = get(client, "?track=track-ii&track=no-such-track")
    assert total(response) == total(get(client, "?track=track-ii")) < 37


def test_a_draft_facet_value_is_ignored(client, atlas):
    assert total(get(client, "?topic=secret-topic")) == 37


def test_sort_by_name_start_year_and_relevance(client, atlas):
    by_name = names_on(get(client, "?sort=name&page=1"))
    assert by_name == sorted(by_name)
    starts = starts_on(get(client, "?sort=start"))
    assert starts == sorted(starts) and starts[0] == "1960"
    assert starts_on(get(client, "?sort=start&page=last"))[-1] == ""  # undated last
    assert names_on(get(client, "?q=forum&sort=relevance"))[0] == "Stanford U.S.-Russia Forum"
    assert sort_of(get(client, "?sort=relevance")) == "name"  # no query, no relevance


def test_pages(client, atlas):
    assert len(names_on(get(client, "?page=2"))) == 17  # 37 = 20 + 17 (orphans stay on page 2)
    get(client, "?page=3", status=404)
    get(client, "?page=0", status=404)
    get(client, "?page=abc", status=404)
    get(client, "?page=%C2%B2", status=404)  # "²": a digit to str.isdigit, not to int()
    get(client, "?page=99999999999999999999", status=404)
    assert names_on(get(client, "?page=last")) == names_on(get(client, "?page=2"))


def test_past_a_capped_count_every_page_is_reached_by_paging_on(client, atlas, monkeypatch):
    from programs.browse import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "cap", 25)  # the atlas's 37 initiatives are "too many"
    first = dom(get(client, "?sort=name"))
    assert first.find_all(id="results-heading")[0].text == "More than 25 initiatives, page 1"
    assert "narrow the list" in first.find_all(class_="capped-note")[0].text
    [next_page] = first.find_all("a", rel="next")
    second = dom(client.get(LIST + next_page.attr("href")))
    # Asked for, page 2 counts on: the count is whole again, and its rows follow page 1's.
    assert second.find_all(id="results-heading")[0].text == "37 initiatives, page 2 of 2"
    assert not second.find_all(class_="capped-note")
    shown = [
        row.find_all("h3")[0].text for page in (first, second) for row in page.find_all("li", class_="result")
    ]
    assert len(shown) == len(set(shown)) == Initiative.objects.published().count() == 37


def test_the_404_of_a_bad_page_is_the_site_page(client, atlas):
    assert "<h1>Not found</h1>" in get(client, "?page=9", status=404).content.decode()


@pytest.mark.parametrize("query", NASTY)
def test_any_search_text_answers_200_and_is_escaped(client, atlas, query):
    response = client.get(LIST, {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert" not in html
    response = client.get(CSV, {"q": query})
    assert response.status_code == 200
    b"".join(response.streaming_content)


def test_the_csv_holds_the_whole_result_set_in_the_list_order(client, atlas):
    rows = csv_rows(client)
    assert len(rows) == 37  # every page, not only the first
    all_names = names_on(get(client, "?page=1")) + names_on(get(client, "?page=2"))
    assert [row["name"] for row in rows] == all_names


def test_the_csv_follows_the_query_facets_and_sort(client, atlas):
    params = "?q=seminars&track=track-ii&sort=start"
    assert [row["name"] for row in csv_rows(client, params)] == names_on(get(client, params))


def test_the_csv_columns(client, atlas):
    row = next(row for row in csv_rows(client, "?q=Kettering") if row["name"] == "Dartmouth Conference")
    assert row["id"] == str(Initiative.objects.get(slug="dartmouth-conference").pk)
    assert row["url"] == "http://testserver" + reverse("programs:initiative", args=["dartmouth-conference"])
    assert row["kind"] == "Conference series"
    assert row["tracks"] == "Track II"
    assert row["start"] == "1960"
    assert row["status"] == "Ongoing"
    assert row["countries"] == "Russia; United States"
    assert row["topics"] == "Climate change; Nuclear disarmament"
    assert row["institutions"] == "Kettering Foundation (organizer)"
    assert row["sources"] == "The diplomacy that is working"


def test_the_csv_leaves_drafts_out(client, atlas):
    rows = csv_rows(client)
    assert "Secret" not in " ".join(row["name"] for row in rows)
    skoltech = next(row for row in rows if row["name"] == "MIT-Skoltech Initiative")
    assert skoltech["institutions"] == "MIT (partner); Skoltech (partner)"


def test_the_csv_cannot_smuggle_a_formula(client, atlas):
    Initiative.objects.filter(slug="exchange-01").update(summary="=HYPERLINK(1)")
    row = next(row for row in csv_rows(client) if row["name"] == "Exchange program 01")
    assert row["summary"] == "'=HYPERLINK(1)"


def test_the_page_links_to_the_csv_of_its_result_set(client, atlas):
    html = get(client, "?q=seminars&track=track-ii&page=1").content.decode()
    assert f'href="{CSV}?q=seminars&amp;track=track-ii"' in html
