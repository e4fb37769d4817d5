"""Every statement with its source: what a citation supports, the data check that finds what none
does, the coverage report, and the footnotes of the pages."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from programs.models import (
    CITABLE,
    Affiliation,
    Citation,
    Country,
    Event,
    Initiative,
    InitiativeCountry,
    InitiativeInstitution,
    InitiativePerson,
    InitiativeTopic,
    InitiativeTrack,
    Institution,
    Person,
    Source,
    Statistic,
    Topic,
    Track,
)
from tests.conftest import build_for_module, load_article
from tests.dom import dom

pytestmark = pytest.mark.django_db


def check(*args, out=None):
    """What check_data says of problems: (its error output, whether it passed)."""
    err = io.StringIO()
    try:
        call_command("check_data", *args, stdout=out or io.StringIO(), stderr=err)
    except CommandError:
        return err.getvalue(), False
    return err.getvalue(), True


# ---------------------------------------------------------------------------------------------
# Each kind of statement can be cited; the data check names the ones no citation supports.


def published(model, **fields):
    return model.objects.create(is_published=True, **fields)


def one_of_each():
    """A published record or link of every citable kind: {subject: (record, a fact it states)}."""
    russia = published(Country, slug="russia", name="Russia")
    topic = published(Topic, slug="space", name="space")
    track = published(Track, slug="track-ii", name="Track II", definition="Unofficial dialogue.")
    person = published(Person, slug="a-person", name="A Person")
    institution = published(Institution, slug="itmo", name="ITMO", kind="university")
    source = published(Source, slug="a-report", title="A report", kind="report")
    initiative = published(
        Initiative, slug="a-dialogue", name="A Dialogue", kind="dialogue", summary="Talks."
    )
    statistic = published(
        Statistic,
        slug="students",
        measure="Students",
        value=5,
        stated_value="5",
        unit="students",
        precision="exact",
        period="year",
        period_start="2015",
    )
    event = published(Event, slug="a-session", name="A session", initiative=initiative, date="2016")
    return {
        "track": (track, "definition"),
        "initiative": (initiative, "summary"),
        "institution": (institution, "kind"),
        "person": (person, "name"),
        "statistic": (statistic, "stated_value"),
        "topic": (topic, "name"),
        "country": (russia, "name"),
        "cited_source": (source, "title"),
        "event": (event, "date"),
        "initiative_track": (InitiativeTrack.objects.create(initiative=initiative, track=track), None),
        "initiative_topic": (InitiativeTopic.objects.create(initiative=initiative, topic=topic), None),
        "initiative_country": (InitiativeCountry.objects.create(initiative=initiative, country=russia), None),
        "initiative_institution": (
            InitiativeInstitution.objects.create(initiative=initiative, institution=institution, role="host"),
            None,
        ),
        "initiative_person": (
            InitiativePerson.objects.create(initiative=initiative, person=person, role="founder"),
            None,
        ),
        "affiliation": (
            Affiliation.objects.create(person=person, institution=institution, title="rector"),
            None,
        ),
    }


def test_one_of_each_covers_every_citable_kind():
    assert set(one_of_each()) == set(CITABLE)


@pytest.mark.parametrize("subject", list(CITABLE))
def test_each_kind_of_statement_can_be_cited_and_an_uncited_one_is_named(subject):
    record, fact = one_of_each()[subject]
    name = str(record)
    said, passed = check()
    assert not passed and name in said

    citation = Citation(
        source=Source.objects.get(slug="a-report"),
        passage="A passage that states it.",
        facts=[fact] if fact else [],
        **{subject: record},
    )
    citation.full_clean()
    citation.save()
    said, _ = check()
    lines = [line for line in said.splitlines() if f"“{name}”" in line]
    if fact is None:
        assert lines == []
    else:  # the cited fact is no longer named; any other stated fact of the record still is
        field = record._meta.get_field(fact).verbose_name
        assert all(field not in line.split("supports its", 1)[1] for line in lines)


def test_a_citation_may_name_only_facts_of_its_kind():
    record, _ = one_of_each()["initiative"]
    citation = Citation(source=Source.objects.get(slug="a-report"), passage="A passage.", initiative=record)
    citation.facts = ["summary", "measure"]
    with pytest.raises(ValidationError) as refused:
        citation.full_clean()
    assert "Not a fact of a initiative: measure" in str(refused.value)


def test_a_citation_supports_exactly_one_subject():
    records = one_of_each()
    citation = Citation(
        source=Source.objects.get(slug="a-report"),
        passage="A passage.",
        initiative=records["initiative"][0],
        topic=records["topic"][0],
    )
    with pytest.raises(ValidationError, match="exactly one record or relationship"):
        citation.full_clean()


def test_drafts_need_no_citation_until_they_are_published():
    Topic.objects.create(slug="draft", name="A draft topic")
    said, _ = check()
    assert "A draft topic" not in said


# ---------------------------------------------------------------------------------------------
# Coverage: which sentences of the source no citation quotes.


def test_coverage_names_the_sentences_no_citation_quotes(tmp_path):
    source = published(Source, slug="a-report", title="A report", kind="report")
    topic = published(Topic, slug="space", name="space")
    Citation.objects.create(source=source, topic=topic, facts=["name"], passage="talks about space")
    text = tmp_path / "report.txt"
    text.write_text(
        "The first sentence is here. The report talks about space with care. A third one ends it."
    )
    out = io.StringIO()
    check("--source-text", f"a-report={text}", out=out)
    report = out.getvalue()
    assert "1 of 3 sentences quoted (33%)" in report
    assert "  - The first sentence is here." in report
    assert "  - A third one ends it." in report
    assert "talks about space" not in report


def test_a_wrong_position_is_named(tmp_path):
    source = published(Source, slug="a-report", title="A report", kind="report")
    topic = published(Topic, slug="space", name="space")
    citation = Citation.objects.create(
        source=source, topic=topic, facts=["name"], passage="space", position=3
    )
    text = tmp_path / "report.txt"
    text.write_text("About space.")
    said, passed = check("--source-text", f"a-report={text}")
    assert not passed
    assert f"Citation {citation.key} gives position 3; its passage is at 6." in said


# ---------------------------------------------------------------------------------------------
# The article: no unsupported statement, footnotes on every page, each passage once.


def test_the_article_has_no_unsupported_statement(article, settings):
    said, passed = check()
    assert passed, said


def detail_pages():
    kinds = [Initiative, Institution, Person, Track, Statistic, Source, Topic, Country, Event]
    for model in kinds:
        for record in model.objects.published():
            yield record.get_absolute_url()


@pytest.fixture(scope="module")
def article_pages(module_data, django_db_blocker):
    """{address: page} of every detail page of the article's records, drawn and read once for the
    tests that read them all (they only read)."""
    build_for_module(module_data, django_db_blocker, "article", load_article)
    with django_db_blocker.unblock():
        client = Client()
        return {url: dom(client.get(url)) for url in detail_pages()}


def test_every_footnote_points_at_a_quoted_passage_and_no_passage_is_quoted_twice(article, article_pages):
    assert len(article_pages) > 100
    for url, page in article_pages.items():
        passages = page.find_all("li", class_="passage")
        quotes = [passage.find("blockquote").text for passage in passages]
        assert len(quotes) == len(set(quotes)), url
        for marker in page.find_all("sup", class_="footnote"):
            for link in marker.find_all("a"):
                target = page.by_id(link.attr("href").removeprefix("#"))
                assert target is not None and target.find("blockquote"), (url, link.attr("href"))


def test_every_fact_of_every_detail_page_carries_a_footnote(article, article_pages):
    for url, page in article_pages.items():
        h1 = page.find("h1")
        assert h1.find("sup", class_="footnote"), url
        for facts in page.find_all("dl", class_="facts"):
            for value in facts.find_all("dd"):
                if "Not stated by the sources" in value.text:
                    continue
                assert value.find("sup", class_="footnote"), (url, value.text)


def test_an_initiatives_facts_point_at_the_passages_that_state_them(article, client):
    initiative = Initiative.objects.get(slug="dartmouth-conference")
    page = dom(client.get(initiative.get_absolute_url()))
    name = page.find("h1").find("sup", class_="footnote").find("a").attr("href").removeprefix("#")
    passage = page.by_id(name).find("blockquote").text
    assert "Dartmouth Conference" in passage


def test_a_sources_page_lists_its_passages_once_each_in_the_sources_order(client):
    source = published(Source, slug="a-report", title="A report", kind="report")
    space = published(Topic, slug="space", name="space")
    health = published(Topic, slug="health", name="health")
    # Created out of order; the same passage supports two records.
    Citation.objects.create(
        source=source, topic=health, facts=["name"], passage="Later, health.", position=40
    )
    Citation.objects.create(source=source, topic=space, facts=["name"], passage="First, space.", position=0)
    Citation.objects.create(source=source, topic=health, facts=["name"], passage="First, space.", position=0)
    page = dom(client.get(source.get_absolute_url()))
    items = page.find("ol", class_="quoted").find_all("li")
    assert [item.find("blockquote").text for item in items] == ["First, space.", "Later, health."]
    first = [link.attr("href") for link in items[0].find_all("a")]
    assert first == [space.get_absolute_url(), health.get_absolute_url()] or first == [
        health.get_absolute_url(),
        space.get_absolute_url(),
    ]


def test_a_link_of_a_draft_record_is_not_quoted(client):
    source = published(Source, slug="a-report", title="A report", kind="report")
    topic = published(Topic, slug="space", name="space")
    initiative = Initiative.objects.create(slug="draft", name="A draft", kind="dialogue", summary="Hidden.")
    link = InitiativeTopic.objects.create(initiative=initiative, topic=topic)
    Citation.objects.create(source=source, initiative_topic=link, passage="A draft on space.")
    assert "A draft on space." not in client.get(topic.get_absolute_url()).content.decode()
    assert "A draft on space." not in client.get(source.get_absolute_url()).content.decode()


def test_an_events_page_and_its_initiatives_page_show_it(client):
    initiative = published(
        Initiative, slug="a-dialogue", name="A Dialogue", kind="dialogue", summary="Talks."
    )
    event = published(Event, slug="a-session", name="The 2016 session", initiative=initiative, date="2016-03")
    page = dom(client.get(event.get_absolute_url()))
    assert page.find("h1").text == "The 2016 session"
    assert "March 2016" in page.find("dl", class_="facts").text
    listed = dom(client.get(initiative.get_absolute_url())).find("section", aria_labelledby="events-heading")
    assert listed.find("a", href=reverse("programs:event", args=["a-session"]))
