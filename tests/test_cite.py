"""Citing a record: when it last changed, its permanent link to this version, the citation in
APA, Chicago, BibTeX, RIS and CSL-JSON, the files named in the page's <link> elements, earlier
versions as they were, and old addresses of renamed records."""

import json
import re
from datetime import UTC
from html import unescape

import pytest
import rispy
from django.urls import reverse
from django.utils import timezone
from pybtex.database import parse_string

from programs.models import Citation, Initiative, Institution, Person, Source, Statistic
from tests.dom import dom

pytestmark = pytest.mark.django_db

# One record of every kind with a detail page, in the article's fixtures.
ARTICLE_RECORDS = [
    (Initiative, "dartmouth-conference"),
    (Institution, "kettering-foundation"),
    (Person, "michael-mcfaul"),
    (Source, "washington-post-2016-11-05-us-russia-diplomacy-that-is-working"),
    (Statistic, "dartmouth-conference-meetings"),
]


def links(html, rel, kind=None):
    """The href of each <link rel=…> (of this type) in the page's head."""
    found = []
    for tag in re.findall(r"<link\b[^>]*>", html):
        if f'rel="{rel}"' in tag and (kind is None or f'type="{kind}"' in tag):
            found.append(re.search(r'href="([^"]*)"', tag).group(1))
    return found


def citation(html, key):
    """The text of a citation's box, as a reader copies it (line breaks kept)."""
    found = re.search(rf'<textarea id="cite-{key}"[^>]*>(.*?)</textarea>', html, flags=re.S)
    return unescape(found.group(1))


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response


@pytest.mark.parametrize(("model", "slug"), ARTICLE_RECORDS)
def test_a_loaded_record_shows_when_it_was_loaded_not_the_articles_date(client, article, model, slug):
    record = model.objects.get(slug=slug)
    loaded = record.history.get()  # load_article's first version
    assert record.updated_at.year == 2016  # the fixture's date: not what the page shows
    html = get(client, record.get_absolute_url()).content.decode()
    changed = dom(html).find("p", class_="changed")
    assert "Last changed" in changed.text
    assert loaded.history_date.astimezone(UTC).strftime("%-d %B %Y") in changed.text
    assert "2016" not in changed.text


@pytest.mark.parametrize(("model", "slug"), ARTICLE_RECORDS)
def test_every_detail_page_cites_its_record_in_five_formats(client, article, model, slug):
    record = model.objects.get(slug=slug)
    version = record.history.get()
    response = get(client, record.get_absolute_url())
    html = response.content.decode()
    page = dom(html)
    permalink = f"http://testserver{record.get_absolute_url()}versions/{version.history_id}/"

    assert links(html, "cite-as") == [permalink]
    assert page.find("a", class_="permalink").attr("href") == permalink
    year = str(version.history_date.year)

    apa, chicago = citation(html, "apa"), citation(html, "chicago")
    assert apa.startswith(f"Track II Atlas. ({year}, ")
    assert permalink in apa and permalink in chicago and str(record) in apa

    entry = parse_string(citation(html, "bibtex"), "bibtex").entries
    (key, bibtex), *_ = entry.items()
    assert bibtex.type == "misc"
    assert bibtex.fields["url"] == permalink and bibtex.fields["year"] == year

    (ris,) = rispy.loads(citation(html, "ris"))
    assert ris["type_of_reference"] == "ELEC"
    assert ris["urls"] == [permalink] and ris["year"] == year

    (csl,) = json.loads(citation(html, "csl"))
    assert csl["URL"] == permalink and csl["id"] == key
    assert csl["issued"]["date-parts"][0][0] == version.history_date.year


def test_the_citation_files_are_named_in_the_head_and_served(client, article):
    record = Initiative.objects.get(slug="dartmouth-conference")
    html = get(client, record.get_absolute_url()).content.decode()
    (bib_url,) = links(html, "alternate", "application/x-bibtex")
    (ris_url,) = links(html, "alternate", "application/x-research-info-systems")
    (csl_url,) = links(html, "alternate", "application/vnd.citationstyles.csl+json")
    (permalink,) = links(html, "cite-as")

    bib = get(client, bib_url)
    assert bib["Content-Type"] == "application/x-bibtex; charset=utf-8"
    (entry,) = parse_string(bib.content.decode(), "bibtex").entries.values()
    assert entry.fields["title"] == "Dartmouth Conference" and entry.fields["url"] == permalink

    ris = get(client, ris_url)
    assert ris["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    assert rispy.loads(ris.content.decode())[0]["urls"] == [permalink]

    csl = get(client, csl_url)
    assert json.loads(csl.content)[0]["title"] == "Dartmouth Conference"


def test_a_permanent_link_shows_the_record_as_it_was_and_links_to_the_current_one(client, article):
    record = Initiative.objects.get(slug="dartmouth-conference")
    first = dom(get(client, record.get_absolute_url()).content.decode()).find("a", class_="permalink")
    first_link = first.attr("href").removeprefix("http://testserver")

    record.name = "The Dartmouth Conference"
    record.summary = "A changed summary."
    record.save()

    then = get(client, first_link).content.decode()
    page = dom(then)
    assert page.find("h1").text == "Dartmouth Conference"
    notice = page.find("p", class_="version-notice")
    assert "An earlier version" in notice.text and "it has changed since" in notice.text
    assert notice.find("a").attr("href") == record.get_absolute_url()
    assert "A changed summary." not in then
    assert "The Kettering Foundation’s Dartmouth Conference" in then  # its passages then
    assert links(then, "cite-as") == [f"http://testserver{first_link}"]
    assert f"http://testserver{first_link}" in citation(then, "apa")

    now = get(client, record.get_absolute_url()).content.decode()
    assert dom(now).find("a", class_="permalink").attr("href") != first.attr("href")
    assert "The Dartmouth Conference" in citation(now, "chicago")


def test_a_version_cites_itself_in_its_files(client, article):
    record = Initiative.objects.get(slug="dartmouth-conference")
    version = record.history.get()
    record.name = "Renamed in words"
    record.save()
    url = reverse("programs:record_version_cite", args=[Initiative, record.slug, version.history_id, "bib"])
    (entry,) = parse_string(get(client, url).content.decode(), "bibtex").entries.values()
    assert entry.fields["title"] == "Dartmouth Conference"


def test_a_draft_version_or_a_version_of_a_draft_is_not_shown_to_readers(client, article):
    record = Initiative.objects.get(slug="dartmouth-conference")
    loaded = reverse(
        "programs:record_version", args=[Initiative, record.slug, record.history.get().history_id]
    )
    record.is_published = False
    record.save()
    assert client.get(loaded).status_code == 404
    record.is_published = True
    record.save()
    assert client.get(loaded).status_code == 200
    draft = record.history.filter(is_published=False).get()
    assert (
        client.get(
            reverse("programs:record_version", args=[Initiative, record.slug, draft.history_id])
        ).status_code
        == 404
    )


def test_a_version_that_is_not_this_records_is_not_found(client, article):
    record = Initiative.objects.get(slug="dartmouth-conference")
    other = Initiative.history.exclude(id=record.pk).first()
    for url in [
        reverse("programs:record_version", args=[Initiative, record.slug, 10**9]),
        reverse("programs:record_version", args=[Initiative, record.slug, 10**30]),
        reverse("programs:record_version_cite", args=[Initiative, record.slug, 2**63, "bib"]),
        reverse("programs:record_version", args=[Initiative, record.slug, 0]),
        reverse("programs:record_version", args=[Initiative, record.slug, other.history_id]),
        reverse("programs:record_version_cite", args=[Initiative, record.slug, other.history_id, "ris"]),
    ]:
        assert client.get(url).status_code == 404, url


def test_a_renamed_record_keeps_its_old_address(client, article):
    record = Initiative.objects.get(slug="dartmouth-conference")
    permalink = reverse(
        "programs:record_version", args=[Initiative, record.slug, record.history.get().history_id]
    )
    record.slug = "dartmouth-conference-1960"
    record.save()

    response = client.get("/initiatives/dartmouth-conference/")
    assert response.status_code == 301
    assert response["Location"] == "/initiatives/dartmouth-conference-1960/"
    assert dom(get(client, response["Location"])).find("h1").text.startswith("Dartmouth Conference")
    assert client.get("/initiatives/dartmouth-conference/cite.bib")["Location"] == (
        "/initiatives/dartmouth-conference-1960/cite.bib"
    )
    # The permanent link names the slug of its version, and keeps working: it leads to the record.
    version = dom(get(client, permalink))
    assert version.find("h1").text == "Dartmouth Conference"
    assert (
        version.find("p", class_="version-notice").find("a").attr("href")
        == "/initiatives/dartmouth-conference-1960/"
    )
    # Renamed again: both old addresses lead to the newest.
    record.slug = "the-dartmouth-conference"
    record.save()
    for old in ("dartmouth-conference", "dartmouth-conference-1960"):
        response = client.get(f"/initiatives/{old}/")
        assert (response.status_code, response["Location"]) == (301, "/initiatives/the-dartmouth-conference/")


def test_an_old_slug_taken_by_another_record_answers_with_that_record(client, article):
    record = Institution.objects.get(slug="kettering-foundation")
    record.slug = "kettering"
    record.save()
    newcomer = Institution.objects.create(
        slug="kettering-foundation", name="Another foundation", kind="foundation", is_published=True
    )
    page = dom(get(client, "/institutions/kettering-foundation/"))
    assert page.find("h1").text.startswith(newcomer.name)


def test_an_old_slug_of_a_draft_is_not_found_by_readers(client, article):
    record = Institution.objects.get(slug="kettering-foundation")
    record.slug = "kettering"
    record.is_published = False
    record.save()
    assert client.get("/institutions/kettering-foundation/").status_code == 404


def test_a_record_without_history_is_cited_at_its_address(client, atlas):
    """Records written in bulk (synthesize) have no history: no version, no date invented."""
    record = Initiative.objects.get(slug="dartmouth-conference")
    record.history.all().delete()
    html = get(client, record.get_absolute_url()).content.decode()
    page = dom(html)
    assert links(html, "cite-as") == []
    assert "No change of this record is recorded" in page.find("p", class_="changed").text
    assert "(n.d.)" in citation(html, "apa")
    assert f"http://testserver{record.get_absolute_url()}" in citation(html, "apa")


def test_a_change_in_an_admin_save_after_the_record_belongs_to_its_version(client, article):
    """Passages saved with the record (after it, as the admin's inlines are) are of its version."""
    record = Initiative.objects.get(slug="dartmouth-conference")
    record.name = "Dartmouth"
    record.save()
    Citation.objects.create(
        source=Source.objects.get(slug="iie-report-2015"),
        passage="A passage saved with it.",
        initiative=record,
    )
    version = record.history.first()
    html = get(client, reverse("programs:record_version", args=[Initiative, record.slug, version.history_id]))
    assert "A passage saved with it." in html.content.decode()
    assert timezone.now() > version.history_date
