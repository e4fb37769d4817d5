"""Search behaves the same on SQLite and PostgreSQL: words, stemming, "phrases", -exclusions, `or`,
names of related records, near misses of names, dotted and hyphenated forms, drafts kept out, any
input accepted."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs.models import (
    Country,
    Initiative,
    InitiativeInstitution,
    Institution,
    Person,
    Source,
    Statistic,
    Topic,
    Track,
)
from programs.search import MAX_QUERY_LENGTH, highlight, parse, words
from tests.atlas_data import SECRET

pytestmark = pytest.mark.django_db


NASTY = [
    '"',
    '"unclosed phrase',
    "'; DROP TABLE programs_initiative; --",
    "&|!:*()<>",
    "a & b | !c:* (d)",
    "-",
    "- - or or",
    "or",
    "x" * 10_000,
    "word " * 2_000,
    "nul\x00byte",
    "\x00",
    "Дартмутская конференция",
    "🙂 🇺🇸🇷🇺",
    "<script>alert(1)</script>",
    "%_\\",
    "\u202e\u200b\ufeff",
]


def names(queryset):
    return [record.name for record in queryset]


def found(query):
    return names(Initiative.objects.published().search(query))


def test_an_empty_query_matches_everything(atlas):
    published = Initiative.objects.published()
    assert Initiative.objects.published().search("").count() == published.count()
    assert Initiative.objects.published().search("   ").count() == published.count()
    assert Initiative.objects.published().search(None).count() == published.count()


def test_a_word_from_the_description_finds_the_initiative(atlas):
    assert found("frameworks") == ["Dartmouth Conference"]
    assert len(found("seminars")) == 16


def test_words_are_stemmed(atlas):
    assert "Stanford U.S.-Russia Forum" in found("student")
    assert "Stanford U.S.-Russia Forum" in found("students")
    assert "Dartmouth Conference" in found("conferences")
    assert "Dartmouth Conference" in found("meeting")


def test_case_does_not_matter(atlas):
    assert found("DARTMOUTH") == found("dartmouth") == ["Dartmouth Conference"]


def test_every_word_must_match(atlas):
    assert found("nuclear disarmament") == ["Dartmouth Conference"]
    assert found("nuclear genomics") == []


def test_a_quoted_phrase_matches_the_words_in_that_order(atlas):
    assert found('"climate change"') == ["Dartmouth Conference"]
    assert found('"change climate"') == []


def test_a_minus_excludes_a_word(atlas):
    assert found("dartmouth") == ["Dartmouth Conference"]
    assert found("dartmouth -climate") == []
    assert "Dartmouth Conference" not in found("-climate")
    assert len(found("-climate")) == Initiative.objects.published().count() - 1


def test_or_matches_either(atlas):
    assert set(found("Skoltech or Kettering")) == {"MIT-Skoltech Initiative", "Dartmouth Conference"}


def test_names_of_related_institutions_people_and_topics_find_initiatives(atlas):
    assert found("Kettering") == ["Dartmouth Conference"]
    assert found("Skolkovo") == ["MIT-Skoltech Initiative"]  # an institution's other name
    assert "Space station cooperation" in found("Nyberg")
    assert "Dartmouth Conference" in found("disarmament")


def test_drafts_stay_out_of_the_results(atlas):
    assert found(SECRET) == []
    assert found("Hidden") == []  # the draft partner of "Quiet dialogue"
    assert Initiative.objects.search(SECRET).count() == 1  # the admin sees its draft


def test_names_rank_above_summaries(atlas):
    results = found("forum")
    assert results[0] == "Stanford U.S.-Russia Forum"
    assert len(results) > 1


def test_results_have_no_duplicates(atlas):
    pks = list(Initiative.objects.search("Stanford").values_list("pk", flat=True))
    assert len(pks) == len(set(pks)) > 1


def test_a_near_miss_of_a_name_finds_it(atlas):
    assert found("Dartmuth") == ["Dartmouth Conference"]
    assert found("Dartmuth Conferense") == ["Dartmouth Conference"]


def test_a_near_miss_of_a_person_s_or_an_institution_s_name_finds_it(atlas):
    assert "Michael McFaul" in names(Person.objects.published().search("McFal"))
    assert "Kettering Foundation" in names(Institution.objects.published().search("Ketering"))


@pytest.mark.parametrize("query", NASTY)
def test_any_input_is_accepted(atlas, query):
    for model in (Initiative, Institution, Person, Track, Statistic, Source, Topic, Country):
        list(model.objects.published().search(query)[:5])


def test_a_query_with_nothing_to_search_for_matches_nothing(atlas):
    assert found("&|!:*()") == []
    assert found("🙂") == []


@pytest.mark.parametrize(
    ("model", "query", "expected"),
    [
        (Institution, "Skolkovo", "Skoltech"),
        (Institution, "hse", "Higher School of Economics"),
        (Institution, "universities", "Freie Universität Berlin"),
        (Person, "mcfaul", "Michael McFaul"),
        (Track, "unofficial", "Track II"),
        (Topic, "climate", "Climate change"),
        (Country, "USSR", "Russia"),
        (Source, "open doors", "Open Doors 2015"),
        (Statistic, "students in russia", "U.S. students in Russia: 1,527"),
    ],
)
def test_every_kind_of_record_can_be_searched(atlas, model, query, expected):
    assert expected in [str(record) for record in model.objects.published().search(query)]


def test_every_kind_of_record_keeps_drafts_out(atlas):
    for model in (Institution, Person, Topic, Source, Statistic, Country):
        assert not model.objects.published().search(SECRET).exists(), model.__name__


# ---------------------------------------------------------------------------------------------
# The stored document stays fresh


def test_renaming_an_institution_reindexes_its_initiatives(atlas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        kettering = atlas["kettering-foundation"]
        kettering.name = "Charles F. Kettering Fund"
        kettering.save()
    assert found("Fund") == ["Dartmouth Conference"]


def test_publishing_a_partner_makes_it_findable(atlas, django_capture_on_commit_callbacks):
    assert found("Hidden") == []
    with django_capture_on_commit_callbacks(execute=True):
        hidden = atlas["hidden-institute"]
        hidden.is_published = True
        hidden.save()
    assert set(found("Hidden")) == {"MIT-Skoltech Initiative", "Quiet dialogue"}


def test_editing_what_is_not_searched_of_a_partner_reindexes_nothing(
    atlas, django_capture_on_commit_callbacks
):
    def committed(callbacks):
        """The SQL that the commit's work runs."""
        with CaptureQueriesContext(connection) as queries:
            for callback in callbacks:
                callback()
        return len(queries)

    stanford = atlas["stanford"]
    with django_capture_on_commit_callbacks() as callbacks:
        stanford.description = "A longer description."
        stanford.save()
    assert committed(callbacks) == 0
    assert "Stanford U.S.-Russia Forum" not in found("SU")
    with django_capture_on_commit_callbacks() as callbacks:
        stanford.acronym = "SU"
        stanford.save()
    assert committed(callbacks) > 0  # its initiatives' documents are made again...
    assert "Stanford U.S.-Russia Forum" in found("SU")  # ...and found by the new acronym


def test_roles_and_topics_added_and_removed_reindex(atlas, django_capture_on_commit_callbacks):
    forum = atlas["forum"]
    with django_capture_on_commit_callbacks(execute=True):
        InitiativeInstitution.objects.create(initiative=forum, institution=atlas["nasa"], role="funder")
        forum.topics.add(atlas["space"])
    assert "Stanford U.S.-Russia Forum" in found("NASA")
    assert "Stanford U.S.-Russia Forum" in found("space")
    with django_capture_on_commit_callbacks(execute=True):
        InitiativeInstitution.objects.filter(initiative=forum, institution=atlas["nasa"]).delete()
        atlas["space"].initiatives.remove(forum)
    assert "Stanford U.S.-Russia Forum" not in found("NASA")
    assert "Stanford U.S.-Russia Forum" not in found("space")
    with django_capture_on_commit_callbacks(execute=True):
        forum.institutions.add(atlas["roscosmos"], through_defaults={"role": "partner"})
    assert "Stanford U.S.-Russia Forum" in found("Roscosmos")


def test_deleting_a_topic_reindexes_its_initiatives(atlas, django_capture_on_commit_callbacks):
    from programs.models import InitiativeTopic

    with django_capture_on_commit_callbacks(execute=True):
        # A topic in use is protected: its links go first (each with its citations), then it.
        InitiativeTopic.objects.filter(topic=atlas["space"]).delete()
        atlas["space"].delete()
    assert "Space station cooperation" in found("space")  # by its name
    assert Initiative.objects.get(slug="space-station-cooperation").related_names.splitlines() == [
        "NASA",
        "National Aeronautics and Space Administration",
        "Roscosmos",
        "Karen Nyberg",
    ]


def test_editing_an_initiative_reindexes_it(atlas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dartmouth = atlas["dartmouth"]
        dartmouth.description = "Now about glaciers."
        dartmouth.save()
    assert found("glaciers") == ["Dartmouth Conference"]
    assert found("frameworks") == []


def test_an_initiative_is_found_before_its_transaction_commits(atlas):
    Initiative.objects.create(
        slug="new", name="New forum", kind="forum", summary="Fresh glaciology talks.", is_published=True
    )  # its transaction never commits here
    assert found("glaciology") == ["New forum"]
    assert "New forum" in found("talk")


def test_reindex_builds_the_documents_of_records_written_without_signals(atlas):
    Initiative.objects.bulk_create(
        [
            Initiative(
                slug="bulk", name="Bulk forum", kind="forum", summary="Tundra ecology.", is_published=True
            )
        ]
    )
    Institution.objects.bulk_create(
        [Institution(slug="bulk", name="Permafrost Institute", kind="other", is_published=True)]
    )
    assert found("tundra") == []
    call_command("reindex", verbosity=0)
    assert found("tundra") == ["Bulk forum"]
    assert names(Institution.objects.published().search("permafrost")) == ["Permafrost Institute"]
    assert found("Kettering") == ["Dartmouth Conference"]
    assert found("frameworks") == ["Dartmouth Conference"]


# ---------------------------------------------------------------------------------------------
# Reading queries and showing matches


def test_parse_reads_web_search_syntax():
    parsed = parse('students "climate change" -nuclear or weapons')
    assert [[term.text for term in group] for group in parsed.groups] == [
        ["students"],
        ["climate change"],
        ["weapons"],
    ]
    assert [term.text for term in parsed.excluded] == ["nuclear"]
    parsed = parse("trade or peace")
    assert [[term.text for term in group] for group in parsed.groups] == [["trade", "peace"]]


def test_parse_cleans_and_cuts_the_query():
    assert parse("a\x00b").text == "ab"
    assert len(parse("x" * 10_000).text) == MAX_QUERY_LENGTH
    assert parse("&|!:*()").has_terms is False


def test_highlight_marks_matches_and_escapes_the_rest():
    html = highlight("Students <b>work</b> & study", "student study")
    assert html == "<mark>Students</mark> &lt;b&gt;work&lt;/b&gt; &amp; <mark>study</mark>"
    assert highlight("<script>", "<script>") == "&lt;<mark>script</mark>&gt;"


def test_highlight_cuts_a_long_text_around_the_first_match():
    text = " ".join(f"w{i}" for i in range(100)) + " target " + " ".join(f"v{i}" for i in range(100))
    html = highlight(text, "target", words=12)
    assert "<mark>target</mark>" in html
    assert html.startswith("… ") and html.endswith(" …")
    assert len(html.split()) < 20


# ---------------------------------------------------------------------------------------------
# On the article's own records


def test_the_article_is_searchable(article):
    assert "Dartmouth Conference" in found("Kettering")  # its organizer's name
    assert "U.S.-Russian educational exchanges" in found("students")
    assert "MIT-Skoltech Initiative" in found("genomics")
    assert found('"capstone conference"') == ["Stanford U.S.-Russia Forum"]


def test_a_near_miss_finds_the_article_s_dartmouth_conference(article):
    assert found("Dartmuth")[0] == "Dartmouth Conference"


def test_dotted_and_hyphenated_forms_find_the_plain_word(article):
    accelerator = "American Councils’ innovation accelerator"
    assert accelerator in found("startups")  # the article writes "start-ups"
    assert accelerator in found("start-ups")
    assert "U.S.-U.S.S.R./Russian interagency scientific cooperation" in found("USSR")
    assert "Soviet Union" in names(Country.objects.published().search("USSR"))  # other name: U.S.S.R.


def test_a_statistic_is_found_by_its_unit_period_and_reporter(article):
    def statistics(query):
        return [statistic.measure for statistic in Statistic.objects.published().search(query)]

    students = {"U.S. students in Russia", "Russians studying in the United States"}
    assert students <= set(statistics("students"))  # the second counts students in its unit
    assert students <= set(statistics("Institute of International Education"))
    assert students <= set(statistics("academic year"))


# pg_trgm's word_similarity(), which finds near misses on PostgreSQL, and its port that SQLite
# runs (programs.search.words): the same measure, so that both find the same near misses.
PAIRS = [
    ("arctic", "Artic Research Forum"),
    ("dartmuth", "Dartmouth Conference"),
    ("dartmuth conferense", "Dartmouth Conference"),
    ("mcfal", "Michael McFaul"),
    ("ketering", "Kettering Foundation"),
    ("novosibrisk", "Novosibirsk State University"),
    ("conference", "Conferense of Mayors"),
    ("stanford forum", "Stanford US Russia Forum"),
    ("russia", "Russian Academy of Sciences"),
    ("universitat", "Freie Universität Berlin"),
    ("aaa", "aaaa aaa baaa"),
    ("moscow", "Moscow Moscow State University of Moscow"),
    ("skoltech", "Skolkovo Institute of Science and Technology"),
    ("x", "X"),
    ("dialogue 2016", "The 2016 Dartmouth Dialogue"),
]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="compares with PostgreSQL's pg_trgm")
@pytest.mark.parametrize(("query", "text"), PAIRS)
def test_sqlite_measures_a_near_miss_as_pg_trgm_does(db, query, text):
    with connection.cursor() as cursor:
        cursor.execute("SELECT word_similarity(%s, %s)", [query, text])
        (measured,) = cursor.fetchone()
    assert words.word_similarity(query, text) == pytest.approx(measured, abs=1e-6)
