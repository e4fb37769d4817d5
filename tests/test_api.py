"""The JSON twin of every page: the same records as the page, fields, relationships and the
passages of each fact, no drafts, 400 with a message for bad parameters, an OpenAPI document
that validates and describes every answer, and a guide for people."""

import json
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from openapi_spec_validator import validate

from programs.api.kinds import KINDS
from programs.models import CITABLE, Citation, Initiative, Institution
from tests.atlas_data import SECRET
from tests.conftest import curator_group
from tests.dom import dom, records_listed
from tests.test_search import NASTY
from tests.test_site_initiatives import names_on, page_of, sort_of, total
from tests.test_site_pages import DETAILS, DRAFTS, LISTS, all_urls

pytestmark = pytest.mark.django_db

API_LIST = reverse("api:initiative_list")


def get_json(client, url, status=200, **params):
    response = client.get(url, params)
    assert response.status_code == status, (url, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def api_of(url):
    """The JSON twin's address of a page's path."""
    return "/api" + url


# ---------------------------------------------------------------------------------------------
# Lists hold what their pages hold


@pytest.mark.parametrize(
    "params",
    [
        "",
        "?page=2",
        "?page=last",
        "?q=seminars&track=track-ii&sort=start",
        "?track=track-ii&track=track-1-5&status=ongoing",
        "?kind=exchange&decade=1970s&sort=name",
        "?q=stanford&institution=stanford&country=russia",
        "?topic=education&page=1",
        "?q=students",
    ],
)
def test_the_json_of_the_initiatives_holds_the_records_of_the_page(client, atlas, params):
    page = client.get(reverse("programs:initiative_list") + params)
    found = get_json(client, API_LIST + params)
    assert [row["name"] for row in found["results"]] == names_on(page)
    assert found["total"] == total(page)
    assert found["capped"] is False
    assert (found["page"], found["pages"]) == page_of(page)
    assert found["sort"] == sort_of(page)


def count_on(page):
    """The number of records a list page says it found: "12 institutions, page 1 of 2"."""
    return int(re.match(r"[\d,]+", dom(page).find("p", class_="result-count").text).group().replace(",", ""))


def test_every_list_of_records_holds_the_records_of_its_page(client, atlas):
    for name in LISTS[1:] + ["event_list"]:
        url = reverse(f"programs:{name}")
        for params in ("", "?q=stanford", "?q=russia", "?q=nothing-matches-this"):
            page = client.get(url + params)
            found = get_json(client, api_of(url) + params)
            assert [urlsplit(row["url"]).path for row in found["results"]] == records_listed(page), url
            assert found["total"] == count_on(page), url


def test_a_row_gives_its_id_its_page_and_its_json(client, atlas):
    row = get_json(client, API_LIST, q="Kettering")["results"][0]
    dartmouth = Initiative.objects.get(slug="dartmouth-conference")
    assert row["id"] == dartmouth.pk
    assert row["url"] == "http://testserver" + dartmouth.get_absolute_url()
    assert row["api_url"] == "http://testserver" + reverse("api:initiative", args=["dartmouth-conference"])
    assert row["kind"] == "conference_series"
    assert [track["slug"] for track in row["tracks"]] == ["track-ii"]
    assert get_json(client, row["api_url"])["id"] == dartmouth.pk


def test_next_and_previous_walk_every_page_and_keep_the_query(client, atlas):
    names, url = [], API_LIST + "?q=exchange&sort=start&page_size=7"
    pages = 0
    while url:
        found = get_json(client, url)
        assert found["page_size"] == 7 and found["sort"] == "start"
        names += [row["name"] for row in found["results"]]
        url, pages = found["next"], pages + 1
    assert pages == found["pages"] > 1
    assert len(names) == len(set(names)) == found["total"]
    assert found["previous"].endswith("page=" + str(pages - 1))
    everything = get_json(client, API_LIST, q="exchange", sort="start", page_size=100)
    assert names == [row["name"] for row in everything["results"]]


def test_a_page_of_another_size_is_not_the_page_kept_for_the_list(client, atlas):
    client.get(reverse("programs:initiative_list"))  # keeps which 20 initiatives page 1 shows
    assert len(get_json(client, API_LIST, page_size=5)["results"]) == 5
    assert len(get_json(client, API_LIST, page_size=30)["results"]) == 30
    assert len(get_json(client, API_LIST)["results"]) == 20


def test_the_json_names_the_page_and_the_csv_of_the_same_query(client, atlas):
    found = get_json(client, API_LIST + "?q=seminars&track=track-ii&page_size=5")
    assert found["page_url"] == "http://testserver/initiatives/?q=seminars&track=track-ii"
    assert found["csv_url"] == "http://testserver/initiatives.csv?q=seminars&track=track-ii"


def test_the_facets_count_as_the_page_counts(client, atlas):
    params = "?track=track-ii&status=ongoing"
    page = client.get(reverse("programs:initiative_list") + params)
    found = get_json(client, API_LIST + params)
    shown = {
        facet["parameter"]: [
            (
                link.attr("data-value"),
                int(link.find("span", class_="facet-count").text.replace(",", "")),
                link.has("aria-current"),
            )
            for link in dom(page).find_all("a", data_facet=facet["parameter"])
        ]
        for facet in found["facets"]
    }
    given = {
        f["parameter"]: [(o["value"], o["count"], o["selected"]) for o in f["options"]]
        for f in found["facets"]
    }
    assert given == shown
    assert {link.attr("data-facet") for link in dom(page).find_all("a") if link.has("data-facet")} <= set(
        shown
    )
    track = next(facet for facet in found["facets"] if facet["parameter"] == "track")
    chosen = next(option for option in track["options"] if option["value"] == "track-ii")
    assert "track-ii" not in get_json(client, chosen["api_url"])["page_url"]  # switches it off


def test_a_capped_count_is_said_as_the_page_says_it(client, atlas, monkeypatch):
    from programs.browse import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "cap", 25)
    found = get_json(client, API_LIST)
    assert found["total"] == 25 and found["capped"] is True and found["next"]
    assert "More than 25 initiatives" in client.get(reverse("programs:initiative_list")).content.decode()
    assert get_json(client, found["next"])["total"] == 37  # the next page counts on


# ---------------------------------------------------------------------------------------------
# Records: fields, relationships, the passages of each fact


def test_a_record_gives_its_fields_relationships_and_the_passages_of_each_fact(client, atlas):
    found = get_json(client, reverse("api:initiative", args=["dartmouth-conference"]))
    assert found["name"] == "Dartmouth Conference"
    assert found["start"] == "1960" and found["end"] is None and found["kind"] == "conference_series"
    assert [link["track"]["slug"] for link in found["tracks"]] == ["track-ii"]
    assert {link["country"]["slug"] for link in found["countries"]} == {"russia", "united-states"}
    [role] = found["institutions"]
    assert (role["institution"]["slug"], role["role"]) == ("kettering-foundation", "organizer")
    assert [event["slug"] for event in found["events"]] == ["2016-session"]
    assert set(found["citations"]) == {*CITABLE["initiative"][1], "record"}
    # A passage that names no fact supports the record; one of a draft source is left out.
    assert [passage["passage"] for passage in found["citations"]["record"]] == [
        "The Dartmouth Conference began in 1960."
    ]
    passage = found["citations"]["record"][0]
    assert passage["source"]["slug"] == "analysis" and passage["source"]["api_url"].endswith(
        "/api/sources/analysis/"
    )


def test_the_passages_are_grouped_by_the_facts_they_support(client, article):
    found = get_json(client, reverse("api:initiative", args=["dartmouth-conference"]))
    dartmouth = Initiative.objects.get(slug="dartmouth-conference")
    quoted = list(Citation.objects.published().filter(initiative=dartmouth))
    for fact, passages in found["citations"].items():
        expected = [c.passage for c in quoted if fact in c.facts or (fact == "record" and not c.facts)]
        assert sorted(passage["passage"] for passage in passages) == sorted(expected), fact
    assert len(found["citations"]["description"]) == 3
    assert len(found["citations"]["start"]) == 1 and not found["citations"]["end"]


def test_a_relationship_carries_its_own_passages(client, atlas):
    found = get_json(client, reverse("api:initiative", args=["dartmouth-conference"]))
    [role] = found["institutions"]
    link = Initiative.objects.get(slug="dartmouth-conference").institution_roles.get()
    expected = [c.passage for c in Citation.objects.published().filter(initiative_institution=link)]
    assert [passage["passage"] for passage in role["citations"]] == expected


@pytest.mark.parametrize(
    ("name", "slug", "heading"), [*DETAILS, ("event", "2016-session", "The 2016 session")]
)
def test_every_record_has_its_json(client, atlas, name, slug, heading):
    found = get_json(client, reverse(f"api:{name}", args=[slug]))
    assert heading in json.dumps(found, ensure_ascii=False)
    assert found["url"] == "http://testserver" + reverse(f"programs:{name}", args=[slug])
    model = CITABLE[name if name != "source" else "cited_source"][0]
    assert found["id"] == model.objects.get(slug=slug).pk
    assert "record" in found["citations"]


def test_an_institution_lists_its_roles_children_and_people(client, atlas):
    found = get_json(client, reverse("api:institution", args=["stanford"]))
    assert found["country"]["slug"] == "united-states"
    assert {link["initiative"]["slug"] for link in found["initiatives"]} >= {"stanford-us-russia-forum"}
    assert all(link["role"] for link in found["initiatives"])
    assert found["more_initiatives"] is None


def test_a_long_list_of_linked_initiatives_links_to_the_json_of_all_of_them(client, atlas, monkeypatch):
    from programs.views import common

    monkeypatch.setattr(common.capped, "__defaults__", (2,))  # a detail page lists the first 2
    found = get_json(client, reverse("api:topic", args=["education"]))
    assert len(found["initiatives"]) == 2
    assert found["more_initiatives"] == "http://testserver" + API_LIST + "?topic=education"
    assert get_json(client, found["more_initiatives"])["total"] > 2


# ---------------------------------------------------------------------------------------------
# Drafts never appear


def every_json_url():
    urls = [reverse("api:home"), reverse("api:search") + "?q=dartmouth"]
    urls += [reverse(f"api:{name}") for name in LISTS + ["event_list"]]
    urls += [reverse(f"api:{name}", args=[slug]) for name, slug, _ in DETAILS]
    return urls + [reverse("api:event", args=["2016-session"]), reverse("api:source", args=["analysis"])]


def test_no_json_shows_a_draft(client, atlas):
    urls = every_json_url()
    for query in ("hidden", "secret"):
        urls += [reverse("api:search") + f"?q={query}", API_LIST + f"?q={query}"]
        urls += [reverse(f"api:{name}") + f"?q={query}" for name in LISTS]
    urls += [
        reverse("api:initiative", args=["quiet-dialogue"]),
        reverse("api:person", args=["brittany-holom"]),
    ]
    urls += [
        reverse("api:initiative", args=["mit-skoltech-initiative"]),
        reverse("api:institution", args=["mit"]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRET not in response.content.decode().lower(), url


@pytest.mark.parametrize(("name", "slug"), [*DRAFTS, ("event", "secret-session")])
def test_a_draft_has_no_json_even_for_its_curators(client, atlas, name, slug):
    url = reverse(f"api:{name}", args=[slug])
    assert get_json(client, url, status=404)["detail"]
    curator = get_user_model().objects.create_user("curator", password="x", is_staff=True)
    curator.groups.add(curator_group())
    client.force_login(curator)
    assert client.get(reverse(f"programs:{name}", args=[slug])).status_code == 200  # the page previews it
    assert get_json(client, url, status=404)["detail"]


def test_a_draft_is_no_facet_value(client, atlas):
    found = get_json(client, API_LIST, topic="secret-topic", status=400)
    assert found["errors"] == [
        {"parameter": "topic", "message": "No published topic has the slug “secret-topic”."}
    ]


# ---------------------------------------------------------------------------------------------
# Bad parameters: 400 with a message in JSON, never a 500


@pytest.mark.parametrize(
    ("url", "params", "parameter"),
    [
        (API_LIST, "?trak=track-ii", "trak"),
        (API_LIST, "?page=0", "page"),
        (API_LIST, "?page=99", "page"),
        (API_LIST, "?page=two", "page"),
        (API_LIST, "?page_size=0", "page_size"),
        (API_LIST, "?page_size=101", "page_size"),
        (API_LIST, "?page_size=ten", "page_size"),
        (API_LIST, "?page_size=%C2%B2", "page_size"),
        (API_LIST, "?page_size=" + "9" * 5000, "page_size"),
        (API_LIST, "?page=" + "9" * 5000, "page"),
        (API_LIST, "?sort=newest", "sort"),
        (API_LIST, "?kind=forums", "kind"),
        (API_LIST, "?status=alive", "status"),
        (API_LIST, "?decade=1965", "decade"),
        (API_LIST, "?track=no-such-track", "track"),
        (API_LIST, "?country=%3Cscript%3E", "country"),
        (API_LIST, "?" + "&".join(f"topic=t{n}" for n in range(21)), "topic"),
        ("/api/people/", "?page=5", "page"),
        ("/api/people/", "?sort=name", "sort"),
        ("/api/initiatives/dartmouth-conference/", "?format=xml", "format"),
        ("/api/", "?q=x", "q"),
        ("/api/search/", "?page=2", "page"),
    ],
)
def test_a_bad_parameter_answers_400_saying_why(client, atlas, url, params, parameter):
    found = get_json(client, url + params, status=400)
    assert found["detail"]
    assert parameter in [error["parameter"] for error in found["errors"]]
    assert all(error["message"] for error in found["errors"])


def test_what_is_wrong_is_said_in_words(client, atlas):
    assert get_json(client, API_LIST, kind="forums", status=400)["detail"].startswith("Not a kind: “forums”.")
    assert "from 1 to 100" in get_json(client, API_LIST, page_size=500, status=400)["detail"]
    assert "It takes: q, sort, track" in get_json(client, API_LIST, trak="x", status=400)["detail"]


@pytest.mark.parametrize("query", NASTY)
def test_any_search_text_answers_200(client, atlas, query):
    for url in (API_LIST, reverse("api:person_list"), reverse("api:search")):
        assert get_json(client, url, q=query)["query"] is not None


def test_unknown_addresses_answer_404_in_json(client, atlas):
    assert get_json(client, "/api/nothing/", status=404)["detail"]
    assert get_json(client, "/api/initiatives/no-such-record/", status=404)["detail"]
    assert get_json(client, "/api/initiatives/../../etc/passwd", status=404)["detail"]


def test_the_api_is_read_only_and_answers_head_and_options(client, atlas):
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(API_LIST)
        assert response.status_code == 405
        assert response["Allow"] == "GET, HEAD, OPTIONS"
    head = client.head(API_LIST)
    assert head.status_code == 200 and head.content == b""
    assert head["Content-Type"].startswith("application/json")
    assert client.options(API_LIST).status_code == 200


def test_scripts_of_other_sites_may_read_it(client, atlas):
    assert client.get(API_LIST)["Access-Control-Allow-Origin"] == "*"


def test_the_json_from_the_cache_is_the_fresh_json(client, atlas):
    url = API_LIST + "?q=seminars"
    first = client.get(url)
    again = client.get(url)
    assert again.content == first.content and again["Access-Control-Allow-Origin"] == "*"
    Institution.objects.filter(slug="stanford").update(name="Stanford")  # no signal: same generation
    Initiative.objects.get(slug="dartmouth-conference").save()  # a new generation
    assert client.get(url).json() == first.json()  # nothing of it changed, but it was read again


# ---------------------------------------------------------------------------------------------
# Home and search


def test_the_home_json_gives_the_counts_tracks_and_timeline(client, atlas):
    found = get_json(client, reverse("api:home"))
    counts = {count["kind"]: count for count in found["counts"]}
    assert counts["initiatives"]["count"] == Initiative.objects.published().count()
    assert get_json(client, counts["people"]["api_url"])["total"] == counts["people"]["count"]
    assert client.get(counts["events"]["csv_url"]).status_code == 200
    assert [track["slug"] for track in found["tracks"]] == ["track-i", "track-1-5", "track-ii"]
    assert any(year["year"] == 1960 for year in found["timeline"])
    assert found["openapi_url"].endswith("/api/openapi.json")


def test_the_search_json_groups_what_the_search_page_shows(client, atlas):
    page = client.get(reverse("programs:search"), {"q": "stanford"})
    found = get_json(client, reverse("api:search"), q="stanford")
    summary = dom(page).find("p", class_="result-count")
    assert [group["kind"] for group in found["groups"]] == [link.text for link in summary.find_all("a")]
    assert summary.text.startswith(f"{found['total']} records in ")
    initiatives = found["groups"][0]
    assert get_json(client, initiatives["api_url"])["total"] == initiatives["count"]


# ---------------------------------------------------------------------------------------------
# Every page names its twins; the OpenAPI document; the guide


def links(html, rel, kind):
    return re.findall(rf'<link rel="{rel}" type="{re.escape(kind)}" href="([^"]+)">', html)


def test_every_page_names_its_json_twin(client, atlas):
    pages = all_urls() + [reverse("programs:event_list"), reverse("programs:event", args=["2016-session"])]
    pages += [reverse("programs:initiative_list") + "?sort=start&page=2"]
    for url in pages:
        html = client.get(url).content.decode()
        [twin] = links(html, "alternate", "application/json")
        assert client.get(twin.replace("&amp;", "&")).status_code == 200, url
        twin_path, _, twin_query = twin.replace("&amp;", "&").partition("?")
        path, _, query = api_of(url).partition("?")
        assert (twin_path, sorted(parse_qsl(twin_query))) == (path, sorted(parse_qsl(query))), url


def test_every_list_names_its_csv(client, atlas):
    for name in LISTS + ["event_list"]:
        url = reverse(f"programs:{name}")
        [twin] = links(client.get(url + "?q=russia&page=1").content.decode(), "alternate", "text/csv")
        assert twin == reverse(f"programs:{name.removesuffix('_list')}_csv") + "?q=russia"
        assert client.get(twin)["Content-Type"] == "text/csv; charset=utf-8"
    detail = client.get(reverse("programs:initiative", args=["dartmouth-conference"])).content.decode()
    assert not links(detail, "alternate", "text/csv")


def test_the_home_page_names_the_openapi_document(client, atlas):
    html = client.get(reverse("programs:home")).content.decode()
    [address] = links(html, "service-desc", "application/vnd.oai.openapi+json;version=3.1")
    assert address == reverse("api:openapi-json")


def test_the_openapi_document_validates_and_describes_every_endpoint(client, atlas):
    document = get_json(client, reverse("api:openapi-json"))
    validate(document)
    paths = document["paths"]
    assert "/api/" in paths and "/api/search/" in paths
    for kind in KINDS:
        assert f"/api/{kind.plural}/" in paths and f"/api/{kind.plural}/{{slug}}/" in paths
    parameters = {p["name"] for p in paths["/api/initiatives/"]["get"]["parameters"]}
    assert parameters == {
        "q",
        "sort",
        "track",
        "kind",
        "topic",
        "institution",
        "country",
        "decade",
        "status",
        "from",
        "to",
        "page",
        "page_size",
    }
    kind = next(p for p in paths["/api/initiatives/"]["get"]["parameters"] if p["name"] == "kind")
    assert "conference_series" in kind["schema"]["items"]["enum"]
    assert "400" in paths["/api/initiatives/"]["get"]["responses"]
    assert set(document["components"]["schemas"]["InitiativeCitations"]["properties"]) == {
        *CITABLE["initiative"][1],
        "record",
    }


def test_the_answers_are_those_the_document_describes(client, atlas):
    """Each answer's keys are the properties of its schema (ninja also validates them)."""
    document = get_json(client, reverse("api:openapi-json"))
    schemas = document["components"]["schemas"]
    for kind in KINDS:
        for url, schema in [
            (reverse(f"api:{kind.name}_list"), f"{kind.model.__name__}List"),
        ]:
            found = get_json(client, url)
            assert set(found) == set(schemas[schema]["properties"]), url
            if found["results"]:
                assert set(found["results"][0]) == set(schemas[f"{kind.model.__name__}Row"]["properties"])


def test_the_guide_shows_how_to_use_it(client, atlas):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>The JSON API and CSV</h1>" in html
    for kind in KINDS:
        assert f"GET /api/{kind.plural}/{{slug}}/" in html
    assert "<script" not in html and not re.search(r"\sstyle=", html)
    [twin] = links(html, "alternate", "application/json")
    assert twin == reverse("api:openapi-json")


def test_the_lists_link_to_their_json_and_csv_for_people(client, atlas):
    html = client.get(reverse("programs:person_list") + "?q=rice").content.decode()
    assert 'href="/people.csv?q=rice" download>Download this person as CSV</a>' in html
    assert 'href="/api/people/?q=rice"' in html and f'href="{reverse("api:docs")}"' in html
