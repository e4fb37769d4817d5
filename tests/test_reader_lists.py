"""What a reader does with the lists: a range of years, every value of a facet, sorts, and what
the page says about what it leaves out."""

import csv
import io
from urllib.parse import parse_qsl

import pytest
from django.urls import reverse

from programs.models import Initiative
from tests.dom import dom

pytestmark = pytest.mark.django_db

LIST = reverse("programs:initiative_list")
CSV = reverse("programs:initiative_csv")
JSON = reverse("api:initiative_list")


def page(client, params=""):
    response = client.get(LIST + params)
    assert response.status_code == 200, params
    return dom(response)


def names(html):
    """The names of the initiatives the page lists, in order."""
    results = html.find("ol", class_="result-list")
    return [row.find("h3").text for row in results.find_all("li", class_="result")] if results else []


def count_heading(html):
    return html.by_id("results-heading").text


def csv_names(client, params):
    response = client.get(CSV + params)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return sorted(row["name"] for row in csv.DictReader(io.StringIO(text)))


@pytest.fixture
def decades(atlas):
    """Two initiatives dated only to a decade, and to part of one, as sources sometimes do."""
    for slug, start in [("nineties", "1990s"), ("early-2000s", "2000s-1")]:
        Initiative.objects.create(
            slug=slug, name=f"Dated {start}", summary="A test record.", start=start, is_published=True
        )


# --- A range of years ---------------------------------------------------------------------------


def test_the_list_says_how_many_initiatives_have_no_start_date(client, atlas):
    html = page(client)
    assert html.find("p", class_="undated-note").text == "3 of 37 initiatives have no start date."
    html = page(client, "?sort=start")
    assert html.find("p", class_="undated-note").text == (
        "3 of 37 initiatives have no start date: they are listed last."
    )


def test_initiatives_begun_before_2000_and_how_many_are_left_out_undated(client, atlas, decades):
    html = page(client, "?to=1999")
    # 1960, 1975, 1989, 1991-12 among the numbered; Dartmouth 1960, the station 1998; the 1990s.
    assert count_heading(html) == "16 initiatives"
    assert html.find("p", class_="undated-note").text == (
        "3 of 39 initiatives have no start date, so the years leave them out."
    )
    chips = [chip.text for chip in html.find("ul", class_="active-filters").find_all("a")]
    assert "Began: until 1999 ✕ (remove)" in chips
    assert "Dated 1990s" in csv_names(client, "?to=1999")
    assert "Dated 2000s-1" not in csv_names(client, "?to=1999")


def test_a_date_known_to_a_decade_counts_only_when_the_whole_decade_is_in_the_range(client, decades):
    assert "Dated 1990s" in csv_names(client, "?from=1990&to=1999")
    assert "Dated 1990s" not in csv_names(client, "?from=1995&to=2005")  # it may have been 1991
    assert "Dated 2000s-1" in csv_names(client, "?from=2000&to=2009")
    assert "Dated 2000s-1" not in csv_names(client, "?from=2000&to=2005")  # the source names no years
    assert {"Dated 1990s", "Dated 2000s-1"} <= set(csv_names(client, "?from=1990"))


def test_the_years_keep_the_other_filters_and_the_form_shows_them(client, atlas):
    html = page(client, "?track=track-ii&from=1960&to=1989&sort=start")
    years = html.find("form", class_="years")
    assert years.find("input", name_="from").attr("value") == "1960"
    assert years.find("input", name_="to").attr("value") == "1989"
    assert years.find("input", type="hidden", name_="track").attr("value") == "track-ii"
    assert years.find("input", type="hidden", name_="sort").attr("value") == "start"
    shown = names(html)
    assert shown and "Dartmouth Conference" in shown
    # Each shown: Track II, and begun within the range.
    starts = {row.name: row.start for row in Initiative.objects.filter(name__in=shown)}
    assert all("1960" <= start[:4] <= "1989" for start in starts.values())


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ("?from=abc", "“abc” is not a year: write the year in digits, such as 1990."),
        ("?to=19x9", "“19x9” is not a year: write the year in digits, such as 1990."),
        ("?from=99999999999999999999", "is not a year: write the year in digits"),
        ("?from=9999", "9999 is not a year of this knowledge base: give a year from 1000 to 2999."),
        ("?from=2005&to=1990", "The range ends before it begins: from 2005 to 1990. Give the earlier year"),
        ("?from=%C2%B2", "is not a year"),
    ],
)
def test_years_it_cannot_read_get_a_message_and_are_not_applied(client, atlas, params, message):
    html = page(client, params)
    assert message in html.find("ul", class_="errors").text
    assert html.find("input", aria_invalid="true") is not None
    assert "The years were not applied" in html.find("p", class_="years-ignored").text
    assert count_heading(html).startswith("37 initiatives")


def test_the_csv_and_the_json_take_the_years_too(client, atlas):
    listed = page(client, "?from=2000&to=2011")
    assert count_heading(listed) == "11 initiatives"  # 2001, 2005, 2011 (×3 each), 2008, 2011
    assert len(csv_names(client, "?from=2000&to=2011")) == 11
    response = client.get(JSON + "?from=2000&to=2011")
    assert response.status_code == 200
    data = response.json()
    assert data["total"] == 11
    assert data["years"] == {"from_year": 2000, "to_year": 2011, "undated": 3, "out_of": 37}
    bad = client.get(JSON + "?from=2005&to=1990")
    assert bad.status_code == 400
    assert "The range ends before it begins" in bad.content.decode()
    assert client.get(JSON + "?to=later").status_code == 400


# --- Every value of a facet ---------------------------------------------------------------------


@pytest.fixture
def many_topics(atlas):
    """25 more topics, each on a few initiatives: more than the list shows (20)."""
    from programs.models import Topic

    initiatives = list(Initiative.objects.published().filter(slug__startswith="exchange-").order_by("slug"))
    for number in range(25):
        topic = Topic.objects.create(
            slug=f"theme-{number:02d}", name=f"Theme {number:02d}", is_published=True
        )
        for initiative in initiatives[: 1 + number % 3]:
            initiative.topics.add(topic)


def facet_links(html, param):
    return {link.attr("data-value"): link for link in html.find_all("a", data_facet=param)}


def test_a_long_facet_links_to_every_value_and_a_short_one_does_not(client, many_topics):
    html = page(client)
    links = [link for link in html.find_all("a") if link.text.startswith("Show all")]
    assert [link.text for link in links] == ["Show all topics with their counts"]
    assert len(facet_links(html, "topic")) == 20
    every = client.get(links[0].attr("href"))
    assert every.status_code == 200
    shown = facet_links(dom(every), "topic")
    assert {f"theme-{number:02d}" for number in range(25)} | {"education", "health"} <= set(shown)
    assert len(shown) > 25
    assert "secret-topic" not in shown  # a draft
    assert shown["theme-24"].find("span", class_="facet-count").text == "1"
    assert shown["theme-23"].find("span", class_="facet-count").text == "3"
    assert dom(every).find("h1").text == "Every topic of the initiatives"


def test_a_long_facet_shows_the_most_frequent_values_ties_by_name_and_the_chosen_first(client, many_topics):
    from programs.models import Topic

    # A draft linked to every initiative, the most frequent of all were it shown.
    draft = Topic.objects.create(slug="draft-theme", name="Draft theme", is_published=False)
    draft.initiatives.set(Initiative.objects.all())
    counts = {topic: topic.initiatives.published().count() for topic in Topic.objects.published()}
    ranked = sorted((t for t, n in counts.items() if n), key=lambda t: (-counts[t], t.name.lower(), t.name))

    def shown(html):
        return [
            (slug, int(link.find("span", class_="facet-count").text))
            for slug, link in facet_links(html, "topic").items()
        ]

    assert shown(page(client)) == [(topic.slug, counts[topic]) for topic in ranked[:20]]
    assert counts[ranked[19]] == counts[ranked[20]]  # a tie at the edge, broken by name
    rare = ranked[-1]  # the chosen come first, then the 20 most frequent
    assert shown(page(client, f"?topic={rare.slug}")) == [
        (topic.slug, counts[topic]) for topic in [rare, *[t for t in ranked if t != rare][:20]]
    ]


def test_every_value_lists_at_most_the_most_frequent_and_says_there_are_more(
    client, many_topics, monkeypatch
):
    from programs import browse

    monkeypatch.setattr(browse, "EVERY_VALUE_AT_MOST", 5)
    every = client.get(reverse("programs:initiative_facet") + "?facet=topic&topic=theme-24")
    shown = facet_links(dom(every), "topic")
    assert list(shown)[0] == "theme-24"  # the chosen one first, whatever its count
    counts = [int(link.find("span", class_="facet-count").text) for link in list(shown.values())[1:]]
    assert len(counts) == 5 and counts == sorted(counts, reverse=True)
    lead = dom(every).find("p", class_="lead").text
    assert lead.startswith("The most frequent topics (6 of more)") and "narrow the list first" in lead


def test_every_value_keeps_the_other_filters_and_a_choice_goes_back_to_the_list(client, many_topics):
    response = client.get(reverse("programs:initiative_facet") + "?facet=topic&track=track-ii&from=1960")
    html = dom(response)
    assert [
        chip.text for chip in html.find("ul", class_="active-filters").find_all("span", class_="chip")
    ] == [
        "Track: Track II",
        "Began: from 1960",
    ]
    back = html.find("p", class_="back").find("a").attr("href")
    path, _, query = back.partition("?")
    assert path == LIST and sorted(parse_qsl(query)) == [("from", "1960"), ("track", "track-ii")]
    choice = facet_links(html, "topic")["theme-01"]
    assert choice.attr("href").startswith(LIST + "?")
    narrowed = page(client, choice.attr("href").removeprefix(LIST))
    assert [chip.text for chip in narrowed.find("ul", class_="active-filters").find_all("a")][:3] == [
        "Track: Track II ✕ (remove)",
        "Topic: Theme 01 ✕ (remove)",
        "Began: from 1960 ✕ (remove)",
    ]


@pytest.mark.parametrize("param", ["track", "kind", "nothing", "decade"])
def test_a_facet_the_list_shows_whole_has_no_page_of_its_own(client, atlas, param):
    assert client.get(reverse("programs:initiative_facet") + f"?facet={param}").status_code == 404
    assert client.get(reverse("programs:initiative_facet")).status_code == 404


# --- Sorting ------------------------------------------------------------------------------------


def test_names_sort_without_regard_to_case(client, atlas):
    from programs.models import Institution

    for slug, name in [("acme", "acme lowercase"), ("zeta", "Zeta"), ("caps", "CAPS Institute")]:
        Institution.objects.create(slug=slug, name=name, kind="ngo", is_published=True)
    html = dom(client.get(reverse("programs:institution_list")))
    shown = [item.find("a").text for item in html.find("ul", class_="record-list").find_all("li")]
    assert shown == sorted(shown, key=str.lower)
    assert shown.index("acme lowercase") < shown.index("CAPS Institute") < shown.index("Zeta")
    for slug, name in [("lower-first", "alpha lowercase"), ("upper-b", "BETA upper")]:
        Initiative.objects.create(slug=slug, name=name, summary="A test record.", is_published=True)
    names_shown = names(page(client))
    assert names_shown[:2] == ["alpha lowercase", "BETA upper"]


def test_the_sort_is_a_set_of_links_keeping_the_rest_of_the_query(client, atlas):
    html = page(client, "?track=track-ii&from=1960")
    sorts = html.find("nav", class_="sorts")
    links = {link.text: link for link in sorts.find_all("a")}
    assert list(links) == ["Name", "Start year"]  # relevance only with a search
    assert links["Name"].attr("aria-current") == "true"
    assert html.find("select") is None
    by_start = page(client, links["Start year"].attr("href"))
    assert by_start.find("nav", class_="sorts").find("a", aria_current="true").text == "Start year"
    assert "Began: from 1960 ✕ (remove)" in [
        a.text for a in by_start.find("ul", class_="active-filters").find_all("a")
    ]
    searched = page(client, "?q=seminars")
    assert [link.text for link in searched.find("nav", class_="sorts").find_all("a")] == [
        "Relevance",
        "Name",
        "Start year",
    ]


STATISTICS = reverse("programs:statistic_list")


def table(client, params=""):
    response = client.get(STATISTICS + params)
    assert response.status_code == 200
    html = dom(response)
    rows = html.find("table", class_="statistics").find("tbody").find_all("tr")
    headers = html.find("table", class_="statistics").find("thead").find_all("th")
    return (
        html,
        headers,
        [[cell.text for cell in row.find_all(None) if cell.name in ("th", "td")] for row in rows],
    )


def test_the_statistics_table_sorts_by_its_columns(client, atlas):
    from decimal import Decimal

    from programs.models import Statistic

    _, headers, rows = table(client)
    assert headers[0].attr("aria-sort") == "ascending"
    assert [row[0] for row in rows] == sorted((row[0] for row in rows), key=str.lower)
    value = next(h for h in headers if h.text.startswith("Value, as stated"))
    assert value.attr("aria-sort") is None
    html, headers, rows = table(client, value.find("a").attr("href"))
    value = next(h for h in headers if h.text.startswith("Value, as stated"))
    assert value.attr("aria-sort") == "ascending"
    by_value = {s.stated_value: s.value for s in Statistic.objects.published()}
    values = [by_value[row[1]] for row in rows]
    assert values == sorted(values) and values[0] < values[-1]
    html, headers, rows = table(client, value.find("a").attr("href"))
    value = next(h for h in headers if h.text.startswith("Value, as stated"))
    assert value.attr("aria-sort") == "descending"
    assert [by_value[row[1]] for row in rows] == sorted(values, reverse=True)
    assert Decimal(0) <= min(values)


def test_the_statistics_json_sorts_as_the_table_and_refuses_an_unknown_column(client, atlas):
    html, _, rows = table(client, "?sort=-value")
    json_link = html.find("a", class_="json").attr("href")
    data = client.get(json_link).json()
    assert [row["stated_value"] for row in data["results"]] == [row[1] for row in rows]
    assert client.get(reverse("api:statistic_list") + "?sort=colour").status_code == 400
    assert client.get(STATISTICS + "?sort=colour").status_code == 200  # the page ignores it


# --- Facets of the institutions -----------------------------------------------------------------

INSTITUTIONS = reverse("programs:institution_list")


def institution_page(client, params=""):
    response = client.get(INSTITUTIONS + params)
    assert response.status_code == 200
    return dom(response)


def listed(html):
    return [item.find("a").text for item in html.find("ul", class_="record-list").find_all("li")]


def test_institutions_narrow_by_kind_and_country_with_counts(client, atlas):
    from programs.models import Country, Institution

    Institution.objects.create(
        slug="atlantis-u",
        name="Atlantis University",
        kind="university",
        country=Country.objects.get(slug="atlantis"),
        is_published=True,
    )  # a published institution of a draft country
    html = institution_page(client)
    kinds = {
        link.attr("data-value"): link.find("span", class_="facet-count").text
        for link in html.find_all("a", data_facet="kind")
    }
    assert kinds["university"] == "6" and kinds["space_agency"] == "2"
    countries = {
        link.attr("data-value"): link.find("span", class_="facet-count").text
        for link in html.find_all("a", data_facet="country")
    }
    assert countries == {"united-states": "4", "russia": "3", "germany": "1"}  # no draft country
    russia = html.find("a", data_facet="country", data_value="russia")
    narrowed = institution_page(client, russia.attr("href").removeprefix(INSTITUTIONS))
    assert listed(narrowed) == ["Higher School of Economics", "Roscosmos", "Skoltech"]
    assert narrowed.find("p", class_="result-count").text == "3 institutions"
    university = narrowed.find("a", data_facet="kind", data_value="university")
    assert university.find("span", class_="facet-count").text == "2"  # counted within Russia
    both = institution_page(client, university.attr("href").removeprefix(INSTITUTIONS))
    assert listed(both) == ["Higher School of Economics", "Skoltech"]
    assert [chip.text for chip in both.find("ul", class_="active-filters").find_all("a")][:2] == [
        "Kind: University ✕ (remove)",
        "Country: Russia ✕ (remove)",
    ]
    empty = institution_page(client, "?country=atlantis")  # a draft: no institution through it
    assert empty.find("ul", class_="record-list") is None


def test_the_institutions_csv_and_json_take_the_same_filters(client, atlas):
    response = client.get(reverse("programs:institution_csv") + "?country=russia&kind=university")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert sorted(row["name"] for row in csv.DictReader(io.StringIO(text))) == [
        "Higher School of Economics",
        "Skoltech",
    ]
    data = client.get(reverse("api:institution_list") + "?country=russia&kind=university").json()
    assert sorted(row["name"] for row in data["results"]) == ["Higher School of Economics", "Skoltech"]
    bad = client.get(reverse("api:institution_list") + "?kind=castle")
    assert bad.status_code == 400 and "Not a kind" in bad.content.decode()
    assert client.get(INSTITUTIONS + "?kind=castle&country=no%20such").status_code == 200


# --- Facets of the statistics and the sources -----------------------------------------------------


def test_statistics_narrow_by_who_reported_them(client, article):
    from programs.models import Statistic

    html, _, rows = table(client)
    reporters = html.find_all("a", data_facet="reporter")
    assert reporters
    first = reporters[0]
    count = int(first.find("span", class_="facet-count").text)
    slug = first.attr("data-value")
    assert count == Statistic.objects.published().filter(reported_by__slug=slug).count()
    narrowed, _, rows = table(client, first.attr("href").removeprefix(STATISTICS))
    assert len(rows) == count
    assert narrowed.find("p", class_="result-count").text == f"{count} statistic{'s' if count != 1 else ''}"
    # The column sort keeps the filter.
    sorted_html, _, sorted_rows = table(client, f"?reporter={slug}&sort=-value")
    assert len(sorted_rows) == count
    data = client.get(reverse("api:statistic_list") + f"?reporter={slug}&sort=-value").json()
    assert [row["stated_value"] for row in data["results"]] == [row[1] for row in sorted_rows]


def test_sources_narrow_by_kind(client, article):
    from programs.models import Source

    html = dom(client.get(reverse("programs:source_list")))
    kinds = {
        link.attr("data-value"): int(link.find("span", class_="facet-count").text)
        for link in html.find_all("a", data_facet="kind")
    }
    assert kinds and sum(kinds.values()) == Source.objects.published().count()
    kind, count = max(kinds.items(), key=lambda item: item[1])
    narrowed = dom(client.get(reverse("programs:source_list") + f"?kind={kind}"))
    assert len(narrowed.find("ul", class_="record-list").find_all("li")) == count


def test_facet_values_of_equal_count_sort_without_regard_to_case(client, article):
    html = dom(client.get(reverse("programs:initiative_facet") + "?facet=institution"))
    names = [
        link.text.rsplit(" ", 1)[0].lstrip("☐ ").strip()
        for link in html.find_all("a", data_facet="institution")
    ]
    counts = [
        int(link.find("span", class_="facet-count").text)
        for link in html.find_all("a", data_facet="institution")
    ]
    assert counts == sorted(counts, reverse=True)
    for count in set(counts):
        same = [name for name, n in zip(names, counts, strict=True) if n == count]
        assert same == sorted(same, key=str.lower)
    assert names.index("Columbia") < names.index("CSIS") and names.index("Harvard") < names.index("HSE")


def test_the_json_says_which_facets_have_more_values_and_where_they_all_are(client, many_topics):
    data = client.get(JSON + "?from=1000").json()
    facets = {facet["parameter"]: facet for facet in data["facets"]}
    assert facets["topic"]["more"] is True
    assert facets["topic"]["all_url"] == "http://testserver" + reverse("programs:initiative_facet") + (
        "?from=1000&facet=topic"
    )
    assert facets["track"]["more"] is False and facets["track"]["all_url"] is None
    assert client.get(facets["topic"]["all_url"]).status_code == 200
