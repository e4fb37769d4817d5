"""Every page of the public site: a title, one h1, the navigation, links both ways between records,
the Sources section, drafts hidden from readers and previewed by staff, and a 404 page."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from programs.models import Country, Initiative, Institution, Person, Source, Statistic, Topic, Track
from tests.atlas_data import SECRET
from tests.conftest import curator_group
from tests.dom import dom
from tests.test_search import NASTY

pytestmark = pytest.mark.django_db

LISTS = [
    "initiative_list",
    "institution_list",
    "person_list",
    "track_list",
    "statistic_list",
    "source_list",
    "topic_list",
    "country_list",
]
DETAILS = [
    ("initiative", "dartmouth-conference", "Dartmouth Conference"),
    ("institution", "kettering-foundation", "Kettering Foundation"),
    ("person", "michael-mcfaul", "Michael McFaul"),
    ("track", "track-ii", "Track II"),
    ("statistic", "dartmouth-meetings", "Meetings of the Dartmouth Conference"),
    ("source", "iie-report", "Open Doors 2015"),
    ("topic", "nuclear-disarmament", "Nuclear disarmament"),
    ("country", "russia", "Russia"),
]
DRAFTS = [
    ("initiative", "secret-draft-initiative"),
    ("institution", "hidden-institute"),
    ("person", "hidden-person"),
    ("statistic", "hidden-statistic"),
    ("source", "hidden-source"),
    ("topic", "secret-topic"),
    ("country", "atlantis"),
]


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def facts(html):
    """{label: text} of a record's facts ("Status": "Ongoing"), without the footnote markers."""
    listed = dom(html).find("dl", class_="facts")
    labels = [term.text for term in listed.find_all("dt")]
    return dict(
        zip(
            labels,
            [value.text_without("footnote").replace(" ,", ",") for value in listed.find_all("dd")],
            strict=True,
        )
    )


def roles(html, section):
    """[(name, role)] of one section of a record's page: "institutions", "people", "initiatives"."""
    rows = dom(html).find("section", aria_labelledby=f"{section}-heading")
    return [(row.find("a").text, row.find("span", class_="role").text) for row in rows.find_all("li")]


def h1s(html):
    return re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)


def title(html):
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1)


def all_urls():
    urls = [reverse("programs:home"), reverse("programs:search") + "?q=dartmouth"]
    urls += [reverse(f"programs:{name}") for name in LISTS]
    urls += [reverse(f"programs:{name}", args=[slug]) for name, slug, _ in DETAILS]
    return urls


def test_every_page_has_a_title_and_one_h1_naming_it(client, atlas):
    for url in all_urls():
        html = page(client, url)
        assert len(h1s(html)) == 1, url
        assert title(html).strip(), url
    for name, slug, heading in DETAILS:
        html = page(client, reverse(f"programs:{name}", args=[slug]))
        assert heading in h1s(html)[0]
        assert title(html).startswith(heading)


def test_the_navigation_reaches_every_list(client, atlas):
    html = page(client, reverse("programs:home"))
    for name in LISTS:
        assert f'href="{reverse(f"programs:{name}")}"' in html, name


def test_no_page_has_inline_script_or_style(client, atlas):
    """A Content-Security-Policy without 'unsafe-inline' must not break any page: a script is a
    static file, and the one other <script> element is data (JSON-LD), which browsers never run."""
    for url in all_urls():
        html = page(client, url)
        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
        for attributes, body in scripts:
            data = 'type="application/ld+json"' in attributes
            assert data or ("src=" in attributes and not body.strip()), url
        assert "<style" not in html, url
        assert not re.search(r"\sstyle=", html), url
        assert not re.search(r"\son[a-z]+=", html), url
        assert "http://" not in html.replace("http://testserver", ""), url


def test_no_public_page_shows_a_draft(client, atlas):
    urls = all_urls() + [reverse("programs:initiative_csv")]
    for query in ("hidden", "secret"):  # words of the drafts' names
        urls += [
            reverse("programs:search") + f"?q={query}",
            reverse("programs:initiative_csv") + f"?q={query}",
        ]
        urls += [reverse(f"programs:{name}") + f"?q={query}" for name in LISTS]
    urls += [reverse("programs:initiative", args=["quiet-dialogue"])]
    urls += [
        reverse("programs:person", args=["brittany-holom"]),
        reverse("programs:source", args=["analysis"]),
    ]
    urls += [reverse("programs:topic", args=["education"]), reverse("programs:country", args=["atlantis"])]
    for url in urls:
        response = client.get(url)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        assert SECRET not in content.decode().lower(), url


@pytest.mark.parametrize(("name", "slug"), DRAFTS)
def test_a_draft_is_not_found_by_readers_and_previewed_by_its_curators(client, atlas, name, slug):
    url = reverse(f"programs:{name}", args=[slug])
    assert "Draft — not public" not in page(client, url, status=404)
    # Staff who may not change the record do not preview it: a preview is for its curators.
    staff = get_user_model().objects.create_user("staff", password="x", is_staff=True)
    client.force_login(staff)
    assert "Draft — not public" not in page(client, url, status=404)
    curator = get_user_model().objects.create_user("curator", password="x", is_staff=True)
    curator.groups.add(curator_group())
    client.force_login(curator)
    assert "Draft — not public" in page(client, url)


def test_a_published_record_has_no_draft_notice(client, atlas):
    assert "Draft — not public" not in page(
        client, reverse("programs:initiative", args=["dartmouth-conference"])
    )


@pytest.mark.parametrize("name", [name for name, _, _ in DETAILS])
def test_a_missing_record_answers_the_404_page(client, atlas, name):
    html = page(client, reverse(f"programs:{name}", args=["no-such-record"]), status=404)
    assert h1s(html) == ["Not found"]
    assert 'href="/initiatives/"' in html  # the site's own layout, navigation included


def test_an_unknown_address_answers_the_404_page(client, db):
    assert h1s(page(client, "/no/such/page/", status=404)) == ["Not found"]


def test_initiative_and_institution_link_both_ways(client, atlas):
    initiative = page(client, reverse("programs:initiative", args=["dartmouth-conference"]))
    assert ("Kettering Foundation", "Organizer") in roles(initiative, "institutions")
    kettering = reverse("programs:institution", args=["kettering-foundation"])
    assert dom(initiative).find("a", href=kettering)
    institution = page(client, reverse("programs:institution", args=["kettering-foundation"]))
    assert ("Dartmouth Conference", "Organizer") in roles(institution, "initiatives")
    assert dom(institution).find("a", href=reverse("programs:initiative", args=["dartmouth-conference"]))


def test_an_initiative_page_shows_what_when_where_and_who(client, atlas):
    html = page(client, reverse("programs:initiative", args=["stanford-us-russia-forum"]))
    assert dom(html).find("p", class_="kind").text_without("footnote") == "Initiative · Forum"
    shown = facts(html)
    assert shown["Track"] == "Track II"
    assert shown["When"] == "from 2008"
    assert shown["Status"] == "Ongoing"
    assert shown["How often"] == "Annual"
    assert "Education" in shown["Topics"].split(", ")
    assert "Russia" in shown["Countries"].split(", ")
    assert ("Higher School of Economics", "Partner") in roles(html, "institutions")
    assert ("Michael McFaul", "Participant") in roles(html, "people")


def test_an_initiative_page_lists_only_published_partners(client, atlas):
    html = page(client, reverse("programs:initiative", args=["mit-skoltech-initiative"]))
    assert "Skoltech" in html and "MIT" in html
    assert "Hidden" not in html


def test_a_person_page_lists_affiliations_and_initiatives(client, atlas):
    html = page(client, reverse("programs:person", args=["michael-mcfaul"]))
    assert "Professor" in html and reverse("programs:institution", args=["stanford"]) in html
    assert reverse("programs:initiative", args=["stanford-us-russia-forum"]) in html
    institution = page(client, reverse("programs:institution", args=["stanford"]))
    assert reverse("programs:person", args=["michael-mcfaul"]) in institution


def test_the_sources_section_quotes_the_passages(client, atlas):
    html = page(client, reverse("programs:initiative", args=["dartmouth-conference"]))
    sources = html[html.index('id="sources"') :]
    assert "The Dartmouth Conference began in 1960." in sources
    assert "The Kettering Foundation&#x27;s Dartmouth Conference" in sources  # about a relationship
    assert reverse("programs:source", args=["analysis"]) in sources
    for name, slug, _ in DETAILS:
        assert 'id="sources"' in page(client, reverse(f"programs:{name}", args=[slug])), name


def test_a_source_page_lists_the_passages_quoted_from_it(client, atlas):
    html = page(client, reverse("programs:source", args=["analysis"]))
    assert "The Dartmouth Conference began in 1960." in html
    assert reverse("programs:initiative", args=["dartmouth-conference"]) in html
    assert "Brittany Holom" in html  # an author


def test_a_track_page_shows_origin_and_initiatives(client, atlas):
    html = page(client, reverse("programs:track", args=["track-ii"]))
    assert "William D. Davidson" in html and "Open Doors 2015" in html
    assert reverse("programs:initiative", args=["dartmouth-conference"]) in html


def test_the_statistics_page_has_a_table_and_a_chart(client, atlas):
    html = page(client, reverse("programs:statistic_list"))
    table = html[html.index("<table") : html.index("</table>")]
    for text in [
        "more than 130",
        "meetings",
        "as of 5 November 2016",
        "Kettering Foundation",
        "Dartmouth Conference",
    ]:
        assert text in table, text
    assert "1,527" in table and "students" in table and "2013–2014" in table and "from United States" in table
    assert "nearly $10 billion" in table and "US dollars" in table
    # Students and US dollars, each a flow both ways; the one count of meetings stands alone.
    assert html.count('<figure class="chart bars-chart">') == 2
    assert 'class="bar"' in html
    assert SECRET not in html


def test_home_shows_search_tracks_and_timeline(client, atlas):
    html = page(client, reverse("programs:home"))
    assert f'action="{reverse("programs:search")}"' in html
    assert html.count('name="q"') == 1
    home = dom(html)
    assert [card.find("h3").text for card in home.find_all("li", class_="card")] == [
        "Track I",
        "Track 1.5",
        "Track II",
    ]
    assert '<svg class="timeline"' in html
    rows = home.find("ol", class_="timeline-list").find_all("li")
    years = {row.find("span", class_="year").text: row for row in rows if row.find("span", class_="year")}
    assert years["1960"].find("a", href=reverse("programs:initiative", args=["dartmouth-conference"]))


def test_list_pages_search_their_own_kind(client, atlas):
    html = page(client, reverse("programs:institution_list") + "?q=skolkovo")
    assert "Skoltech" in html and "Stanford" not in html
    html = page(client, reverse("programs:person_list") + "?q=mcfaul")
    assert "<mark>McFaul</mark>" in html


@pytest.mark.parametrize("name", LISTS[1:])
def test_list_pages_handle_bad_page_numbers(client, atlas, name):
    url = reverse(f"programs:{name}")
    page(client, url + "?page=999", status=404)
    page(client, url + "?page=abc", status=404)
    page(client, url + "?page=last")


def test_counts_and_lists_leave_drafts_out(client, atlas):
    html = page(client, reverse("programs:home"))
    published = Initiative.objects.published().count()
    assert f'<span class="count">{published}</span> initiatives' in html
    for model in (Institution, Person, Track, Statistic, Source, Topic, Country):
        assert model.objects.published().count() < model.objects.count() or model is Track


@pytest.mark.parametrize("query", NASTY)
def test_list_pages_accept_any_search_text(client, atlas, query):
    for name in LISTS:
        response = client.get(reverse(f"programs:{name}"), {"q": query})
        assert response.status_code == 200, name
        assert "<script>alert" not in response.content.decode()


def test_a_body_that_reported_many_statistics_lists_the_first_and_links_to_all(client, atlas, monkeypatch):
    from programs.views import common

    kettering = atlas["kettering-foundation"]
    reported = Statistic.objects.published().filter(reported_by=kettering)
    first = reported.first()
    for number in range(2):
        first.pk, first.slug, first.measure = None, f"more-meetings-{number}", f"More meetings {number}"
        first.save()
    monkeypatch.setattr(common.capped, "__defaults__", (2,))  # a detail page lists the first 2
    page = dom(client.get(kettering.get_absolute_url()))
    section = page.find("section", aria_labelledby="statistics-heading")
    assert len(section.find_all("li")) == 2
    [link] = [a for a in section.find_all("a") if a.text == "All of them in the statistics list →"]
    listed = dom(client.get(link.attr("href"))).text
    assert all(statistic.measure in listed for statistic in reported) and reported.count() == 3
    found = client.get(reverse("api:institution", args=[kettering.slug])).json()
    assert len(found["statistics"]) == 2
    assert client.get(found["more_statistics"]).json()["total"] == reported.count()
