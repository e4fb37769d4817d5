"""`manage.py synthesize`: a deterministic synthetic knowledge base that goes away in one command
and never changes the records it did not make."""

import io
import json

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection

from programs import bulk_load, search_index
from programs.checks import problems
from programs.models import (
    Affiliation,
    Citation,
    Country,
    Initiative,
    InitiativeInstitution,
    InitiativePerson,
    Institution,
    Person,
    Source,
    Statistic,
    Topic,
    Track,
)
from programs.synthetic import PREFIX, generate

pytestmark = pytest.mark.django_db

N = 24


def synthesize(n=N, **options):
    call_command("synthesize", initiatives=n, stdout=io.StringIO(), **options)


def dump(timestamps=True):
    """Every record of the app (history included), foreign keys as natural keys, as dumpdata gives
    it; not the facet counts, counted from them (tests/test_summary.py)."""
    out = io.StringIO()
    call_command(
        "dumpdata",
        "programs",
        exclude=["programs.facetcount"],
        natural_foreign=True,
        natural_primary=True,
        stdout=out,
    )
    rows = json.loads(out.getvalue())
    if not timestamps:
        for row in rows:
            row["fields"].pop("created_at", None)
            row["fields"].pop("updated_at", None)
    return sorted(rows, key=lambda row: json.dumps(row, sort_keys=True))


def counts():
    """Rows in every table of the app, join tables of many-to-many fields included."""
    models = set(apps.get_app_config("programs").get_models(include_auto_created=True))
    return {model._meta.db_table: model._default_manager.count() for model in models}


@pytest.fixture
def curated(initiative, institution, source, country):
    """Records a curator made, with names the synthetic vocabulary also uses ("Russia")."""
    Topic.objects.create(slug="climate", name="climate change", is_published=True)
    initiative.countries.add(country)
    InitiativeInstitution.objects.create(initiative=initiative, institution=institution, role="host")
    Citation.objects.create(source=source, initiative=initiative, passage="Citizens meet.")
    return initiative


def test_it_makes_the_number_of_initiatives_asked_for_and_what_goes_with_them():
    synthesize()
    assert Initiative.objects.count() == N
    assert Institution.objects.count() >= 8
    assert Person.objects.count() >= 8
    assert Source.objects.count() >= 4
    assert Track.objects.count() == 3
    assert Statistic.objects.exists()
    assert InitiativeInstitution.objects.count() >= N
    assert InitiativePerson.objects.exists()
    assert Affiliation.objects.count() >= Person.objects.count()
    assert Initiative.tracks.through.objects.count() >= N
    assert Initiative.topics.through.objects.count() >= N
    # Most records are published; a few are drafts, as in a real knowledge base.
    assert 0 < Initiative.objects.published().count() <= N
    for model in (Initiative, Institution, Person, Source, Statistic, Topic, Country, Track):
        assert not model.objects.exclude(slug__startswith=PREFIX).exists(), model.__name__


def test_the_same_seed_gives_the_same_records_and_another_seed_others():
    synthesize(seed=7)
    first = dump(timestamps=False)
    synthesize(seed=7)  # replaces the synthetic records with a fresh set
    assert dump(timestamps=False) == first
    synthesize(seed=8)
    assert dump(timestamps=False) != first


def test_every_synthetic_record_passes_the_data_checks_and_model_validation():
    synthesize()
    assert list(problems({})) == []
    for model in (Initiative, Institution, Person, Source, Statistic, Topic, Country, Track, Affiliation):
        for record in model.objects.all()[:10]:
            record.full_clean()


def test_remove_deletes_every_synthetic_row_and_nothing_else(curated):
    before, rows_before = dump(), counts()
    synthesize()
    assert counts() != rows_before
    out = io.StringIO()
    call_command("synthesize", remove=True, stdout=out)
    assert "Removed" in out.getvalue()
    assert counts() == rows_before
    assert dump() == before  # timestamps included: nothing of the curators' was saved again


def test_it_never_changes_or_links_to_records_it_did_not_make(curated, country):
    before = dump()
    synthesize()
    synthetic = dump()
    untouched = [row for row in synthetic if row in before]
    assert len(untouched) == len(before)
    # Names the curators already use get a mark instead of colliding or being reused.
    assert Country.objects.filter(slug__startswith=PREFIX, name="Russia (synthetic)").exists()
    assert Topic.objects.filter(slug__startswith=PREFIX, name="climate change (synthetic)").exists()
    assert list(country.initiatives.all()) == [curated]
    assert list(curated.institutions.all()) == [Institution.objects.get(slug="itmo")]


def test_the_articles_records_stay_as_they_are(article):
    before = dump()
    synthesize()
    after = {json.dumps(row, sort_keys=True) for row in dump()}
    assert all(json.dumps(row, sort_keys=True) in after for row in before)
    assert list(problems({})) == []
    call_command("synthesize", remove=True, stdout=io.StringIO())
    assert dump() == before


def test_synthetic_rows_have_no_history_of_their_own():
    synthesize()
    assert Initiative.history.count() == 0
    assert Citation.history.count() == 0


def test_it_asks_for_a_size_or_remove():
    with pytest.raises(CommandError, match="--initiatives"):
        call_command("synthesize", stdout=io.StringIO())
    with pytest.raises(CommandError, match="not both"):
        call_command("synthesize", initiatives=3, remove=True, stdout=io.StringIO())


def test_the_search_documents_of_synthetic_initiatives_are_built_and_fresh():
    synthesize()
    documents = dict(Initiative.objects.values_list("pk", "related_names"))
    vectors = dict(Initiative.objects.values_list("pk", "search_vector"))
    assert all(documents.values())
    assert all(vectors.values()) == (connection.vendor == "postgresql")
    search_index.reindex()  # what every change would do: nothing left to change
    assert dict(Initiative.objects.values_list("pk", "related_names")) == documents
    assert dict(Initiative.objects.values_list("pk", "search_vector")) == vectors
    # Searching a linked institution's name finds the initiative.
    role = InitiativeInstitution.objects.filter(
        institution__is_published=True, initiative__is_published=True
    ).first()
    assert role.initiative in Initiative.objects.published().search(role.institution.name)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite checks foreign keys at commit")
def test_remove_deletes_nothing_while_a_curated_record_points_at_a_synthetic_one():
    synthesize()
    publisher = Institution.objects.filter(slug__startswith=PREFIX).first()
    Source.objects.create(slug="curated", title="A report", kind="report", publisher=publisher)
    rows = counts()
    with pytest.raises(IntegrityError):
        call_command("synthesize", remove=True, stdout=io.StringIO())
    assert counts() == rows


def schema():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename LIKE 'programs%%'")
        indexes = sorted(row[0] for row in cursor.fetchall())
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid::regclass::text LIKE 'programs%%'"
        )
        return indexes, sorted(cursor.fetchall())


def test_its_records_are_made_without_the_database(django_assert_num_queries):
    first_ids = dict.fromkeys(generate.NUMBERED, 1)
    taken = {model: set() for model in (Country, Topic, Track, Institution)}
    with django_assert_num_queries(0):
        shared, tables = generate.shared_records(7, N, first_ids, taken)
        batch = generate.initiatives(7, range(N), shared, first_ids, generate.Names())
        again = generate.initiatives(7, range(N), shared, first_ids, generate.Names())

    def values(records):
        return [[getattr(r, f.attname) for f in r._meta.concrete_fields] for r in records]

    assert values(batch[Initiative]) == values(again[Initiative])
    assert batch[Citation] == again[Citation]
    for record in [
        *tables[Institution],
        *tables[Person],
        *tables[Source],
        *batch[Initiative],
        *batch[Statistic],
    ]:
        assert record._state.adding  # unsaved
        links = [f.name for f in record._meta.concrete_fields if f.is_relation]  # checked in the database
        record.full_clean(exclude=links, validate_unique=False, validate_constraints=False)
    # Every row points at records made here, by the ids given here.
    institutions = {o.pk for o in tables[Institution]}
    assert {row[2] for row in batch[InitiativeInstitution]} <= institutions
    assert {s.initiative_id for s in batch[Statistic]} <= {i.pk for i in batch[Initiative]}


def test_a_name_in_use_gets_the_next_free_number():
    names = generate.Names(["Moscow Forum", "Moscow Forum 3"])
    made = [names.unique("Moscow Forum") for _ in range(4)]
    assert made == ["Moscow Forum 2", "Moscow Forum 4", "Moscow Forum 5", "Moscow Forum 6"]
    assert names.unique("Kazan Forum") == "Kazan Forum"


def test_records_added_after_it_get_ids_of_their_own(curated, institution, source):
    synthesize()
    call_command("synthesize", remove=True, stdout=io.StringIO())
    synthesize()
    other = Initiative.objects.create(slug="later", name="Later", kind="forum", summary="Later.")
    role = InitiativeInstitution.objects.create(initiative=other, institution=institution, role="host")
    citation = Citation.objects.create(source=source, initiative=other, passage="Later.")
    assert other.pk > Initiative.objects.filter(slug__startswith=PREFIX).order_by("pk").last().pk
    assert role.pk > InitiativeInstitution.objects.exclude(pk=role.pk).order_by("pk").last().pk
    assert citation.pk > Citation.objects.exclude(pk=citation.pk).order_by("pk").last().pk


def test_a_synthetic_initiative_is_found_by_search_at_once():
    synthesize()
    initiative = Initiative.objects.published().order_by("pk").last()
    russian_city = initiative.places.split("; ")[1]
    topic = initiative.name.split(" on ")[-1]
    assert initiative in Initiative.objects.published().search(f"{russian_city} {topic}")


def test_it_shows_its_progress_step_by_step():
    out = io.StringIO()
    call_command("synthesize", initiatives=N, stdout=out)
    lines = out.getvalue().splitlines()
    for step in ("shared records", "initiatives", "indexes and foreign keys", "vacuum and analyze"):
        assert any(line.startswith(f"{step}: ") for line in lines), step
    assert lines[-1].startswith(f"Synthesized {N} initiatives")
    quiet = io.StringIO()
    call_command("synthesize", initiatives=N, stdout=quiet, verbosity=0)
    assert quiet.getvalue().startswith("Synthesized")


def test_on_a_terminal_the_progress_is_a_bar_redrawn_in_place():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    out = Terminal()
    call_command("synthesize", initiatives=N, stdout=out)
    assert f"\rinitiatives                [{'#' * 30}]" in out.getvalue()


def test_bulk_load_writes_text_as_it_is(django_assert_num_queries):
    tricky = 'Commas, "quotes", a tab\tand\na new line; \\N and \\.'
    topic = Topic(id=bulk_load.first_free_ids([Topic])[Topic], slug="tricky", name=tricky, description="")
    bulk_load.insert_records(Topic, [topic])
    bulk_load.reset_sequences([Topic])
    stored = Topic.objects.get(slug="tricky")
    assert (stored.pk, stored.name, stored.description) == (topic.pk, tricky, "")
    assert stored.created_at is not None
    assert Topic.objects.create(slug="next", name="Next").pk == topic.pk + 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="indexes are deferred on PostgreSQL only")
def test_every_index_and_constraint_is_back_after_a_load():
    before = schema()
    synthesize()
    assert schema() == before
