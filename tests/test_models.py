"""The database itself refuses what must never be stored, whatever door the data comes in by."""

import pytest
from django.db import IntegrityError, transaction

from programs.models import (
    Affiliation,
    Citation,
    Initiative,
    InitiativeInstitution,
    Institution,
    Person,
    Statistic,
    Topic,
)
from programs.partial_dates import display, display_span


def refused(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def statistic(**overrides):
    fields = dict(
        slug="students",
        measure="U.S. students in Russia",
        value=1527,
        stated_value="1,527",
        unit="students",
        precision="exact",
        period="academic_year",
        period_start="2013",
        period_end="2014",
    )
    return Statistic.objects.create(**{**fields, **overrides})


def test_duplicate_slug_is_refused(institution):
    refused(lambda: Institution.objects.create(slug=institution.slug, name="Other", kind="university"))


def test_duplicate_name_is_refused(institution):
    refused(lambda: Institution.objects.create(slug="other", name=institution.name, kind="university"))


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2016", "2011"),
        ("2016-03", "2016-02"),
        ("1960s", "1959"),
        ("2000s-3", "2000s-1"),
        ("2000s-1", "1999"),
    ],
)
def test_initiative_ending_before_it_starts_is_refused(db, start, end):
    refused(
        lambda: Initiative.objects.create(slug="x", name="X", kind="forum", summary="s", start=start, end=end)
    )


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2016-03", "2016"),
        ("1960s", "1960"),
        ("1960", ""),
        ("", "2016"),
        ("2000s-1", "2000s-3"),
        ("2000s", "2000s-2"),
    ],
)
def test_dates_of_different_precision_in_order_are_accepted(db, start, end):
    Initiative.objects.create(slug="x", name="X", kind="forum", summary="s", start=start, end=end)


@pytest.mark.parametrize(
    "bad_date",
    [
        "1 Jan 1960",
        "196",
        "2016-13",
        "2016-3",
        "1965s",
        "05-11-2016",
        "2000s-4",
        "2000s-0",
        "2005-1",
        "2000s-e",
    ],
)
def test_malformed_partial_date_is_refused(db, bad_date):
    refused(lambda: Initiative.objects.create(slug="x", name="X", kind="forum", summary="s", start=bad_date))


def test_affiliation_ending_before_it_starts_is_refused(institution):
    person = Person.objects.create(slug="p", name="P")
    refused(
        lambda: Affiliation.objects.create(
            person=person, institution=institution, title="t", start="2010", end="2001"
        )
    )


def test_negative_statistic_is_refused(db):
    refused(lambda: statistic(value=-1))


def test_statistic_without_stated_value_or_period_is_refused(db):
    refused(lambda: statistic(stated_value=""))
    refused(lambda: statistic(period_start=""))


def test_statistic_period_in_reverse_is_refused(db):
    refused(lambda: statistic(period_start="2014", period_end="2013"))


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: Institution.objects.create(slug="x", name="X", kind="castle"), "kind"),
        (lambda: Initiative.objects.create(slug="x", name="X", kind="picnic", summary="s"), "kind"),
        (
            lambda: Initiative.objects.create(
                slug="x", name="X", kind="forum", summary="s", status="dormant"
            ),
            "status",
        ),
        (
            lambda: Initiative.objects.create(
                slug="x", name="X", kind="forum", summary="s", frequency="hourly"
            ),
            "frequency",
        ),
        (lambda: statistic(unit="furlongs"), "unit"),
        (lambda: statistic(precision="roughly"), "precision"),
        (lambda: statistic(period="fortnight"), "period"),
    ],
)
def test_value_outside_its_choices_is_refused(db, make, field):
    refused(make)


def test_role_outside_its_choices_is_refused(initiative, institution):
    refused(
        lambda: InitiativeInstitution.objects.create(
            initiative=initiative, institution=institution, role="sponsor"
        )
    )


def test_same_role_twice_is_refused(initiative, institution):
    InitiativeInstitution.objects.create(initiative=initiative, institution=institution, role="host")
    refused(
        lambda: InitiativeInstitution.objects.create(
            initiative=initiative, institution=institution, role="host"
        )
    )


def test_citation_needs_exactly_one_subject_and_a_passage(initiative, institution, source):
    refused(lambda: Citation.objects.create(source=source, passage="text"))
    refused(
        lambda: Citation.objects.create(
            source=source, passage="text", initiative=initiative, institution=institution
        )
    )
    refused(lambda: Citation.objects.create(source=source, passage="", initiative=initiative))
    Citation.objects.create(source=source, passage="text", initiative=initiative)


def test_published_hides_drafts(db):
    Topic.objects.create(slug="draft", name="Draft topic")
    Topic.objects.create(slug="public", name="Public topic", is_published=True)
    assert [topic.slug for topic in Topic.objects.published()] == ["public"]


def test_new_records_start_as_drafts(db):
    assert Topic.objects.create(slug="t", name="T").is_published is False


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("1960s", "1960s"),
        ("2000s-1", "early 2000s"),
        ("2000s-2", "mid-2000s"),
        ("1990s-3", "late 1990s"),
        ("1960", "1960"),
        ("2016-03", "March 2016"),
        ("2016-11-05", "5 November 2016"),
        ("", ""),
    ],
)
def test_partial_dates_read_with_their_precision(value, words):
    assert display(value) == words


def test_parts_of_a_decade_sort_in_time_order_in_the_database(db):
    """The decade, then its early, middle and late parts, then its next year: as text and in SQL."""
    in_order = ["1999", "2000", "2000s", "2000s-1", "2000s-2", "2000s-3", "2001"]
    for index, start in enumerate(reversed(in_order)):
        Initiative.objects.create(slug=f"i{index}", name=f"I{index}", kind="forum", summary="s", start=start)
    assert list(Initiative.objects.order_by("start").values_list("start", flat=True)) == in_order
    assert sorted(in_order) == in_order


def test_an_institution_or_initiative_may_leave_its_kind_unstated(db):
    Institution.objects.create(slug="x", name="X", kind="")
    Initiative.objects.create(slug="x", name="X", kind="", summary="s")
    refused(lambda: Institution.objects.create(slug="y", name="Y", kind="club"))


def test_spans_read_naturally():
    assert display_span("1960", "") == "from 1960"
    assert display_span("2013", "2014") == "2013 – 2014"
    assert display_span("", "") == ""
