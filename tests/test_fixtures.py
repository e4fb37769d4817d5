"""The article's fixtures load in one call, reload without change, and survive a dump and reload."""

import io
import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction

from programs.models import Citation, FacetCount, Initiative, InitiativeInstitution, Source, Statistic, Track
from tests.conftest import read_rows, wipe_knowledge_base, write_rows

pytestmark = pytest.mark.django_db


def dump():
    out = io.StringIO()
    call_command(
        "dumpdata",
        "programs",
        exclude=["programs.facetcount"],  # counted from the records (programs.summary)
        natural_foreign=True,
        natural_primary=True,
        indent=1,
        stdout=out,
    )
    return json.loads(out.getvalue())


def counts():
    return {
        model.__name__: model._default_manager.count()
        for model in apps.get_app_config("programs").get_models()
    }


def test_the_article_loads_into_an_empty_database(article):
    assert Initiative.objects.published().count() >= 10
    assert Track.objects.count() == 3
    assert Statistic.objects.count() >= 10
    assert Citation.objects.count() > Initiative.objects.count()


def test_loading_again_changes_nothing(article):
    before = dump()
    call_command("load_article", verbosity=0)
    assert dump() == before


def test_every_loaded_record_has_its_initial_history(article):
    for model in apps.get_app_config("programs").get_models():
        if hasattr(model, "history"):
            assert model.history.count() == model._default_manager.count(), model.__name__


@pytest.mark.django_db(transaction=True)  # flush cannot run inside a test's transaction on PostgreSQL
def test_dumpdata_then_loaddata_into_an_empty_database_gives_the_same_data(article, tmp_path):
    before = dump()
    path = tmp_path / "backup.json"
    path.write_text(json.dumps(before))
    call_command("flush", interactive=False, verbosity=0)
    assert counts()["Initiative"] == 0
    call_command("loaddata", str(path), verbosity=0)
    assert dump() == before


def stored(rows):
    """What read_rows read, as the values the database holds: {model label or table: rows}."""
    values = {}
    for model, records in rows.items():
        if isinstance(model, str):  # a search table's (columns, rows)
            values[model] = records
        else:
            fields = model._meta.local_concrete_fields
            if model is FacetCount:  # counted again by each load: the same counts, in new rows
                fields = [field for field in fields if not field.primary_key]
                records = sorted(records, key=lambda count: (count.facet, count.key))
            values[model._meta.label] = [tuple(getattr(r, f.attname) for f in fields) for r in records]
    return values


@pytest.mark.django_db(transaction=True)  # load_article's search documents are written on its commit
def test_the_copy_of_the_article_that_tests_write_is_the_article_as_loaded():
    """tests/conftest.py loads the article once per process and writes its rows again after that:
    every row (history and search documents included) comes back as it was."""
    call_command("load_article", verbosity=0)
    rows = read_rows()
    loaded = stored(rows)
    assert len(loaded["programs.Citation"]) == Citation.objects.count() > 100
    wipe_knowledge_base(reset_sequences=True)  # a restore's empty database: ids from 1 again
    assert counts()["Initiative"] == 0
    write_rows(rows)
    assert stored(read_rows()) == loaded
    with transaction.atomic():  # a new record takes an id of its own (and is rolled back)
        Initiative.objects.create(slug="one-more", name="One more")
        transaction.set_rollback(True)
    assert dump()  # natural keys and links resolve
    call_command("load_article", verbosity=0)  # nothing missing that loading again would add
    assert stored(read_rows()) == loaded


def test_natural_keys_resolve(article):
    for model in apps.get_app_config("programs").get_models():
        if not hasattr(model, "natural_key"):
            continue
        for record in model._default_manager.all()[:5]:
            assert model._default_manager.get_by_natural_key(*record.natural_key()) == record


def test_the_article_is_a_source_with_its_date_and_authors(article):
    source = Source.objects.get(kind="news_analysis")
    assert source.date == "2016-11-05"
    assert source.url == ""  # the text gives no address, so none is stored
    assert sorted(author.name for author in source.authors.all()) == [
        "Alyssa Haas",
        "Brittany Holom",
        "Yury Barmin",
    ]


def test_figures_keep_the_wording_and_precision_of_the_source(article):
    doctors = Statistic.objects.get(stated_value__contains="3,500")
    assert (doctors.value, doctors.precision) == (3500, "more_than")
    students = Statistic.objects.get(stated_value__contains="1,527")
    assert (students.period, students.period_start, students.period_end) == ("academic_year", "2013", "2014")


def test_dates_keep_their_precision(article):
    assert Initiative.objects.get(name__contains="Dartmouth").start == "1960"


def test_relationships_are_cited(article):
    for role in InitiativeInstitution.objects.all():
        assert role.citations.exists(), role
