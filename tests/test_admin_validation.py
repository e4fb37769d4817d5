"""Validation in plain words: each refusal is a form error next to its field, and nothing is saved."""

import pytest

from programs.models import (
    END_BEFORE_START,
    Affiliation,
    Citation,
    Initiative,
    InitiativeInstitution,
    Institution,
    Person,
    Statistic,
)
from tests.admin_forms import add_row, admin_url, change, errors, form_data

DATE_FORMAT = (
    'Enter a date as precise as the source: "1960s", "1960", "2016-03" or "2016-11-05"; '
    'for part of a decade, "2000s-1" (early 2000s), "2000s-2" (mid-2000s) or "2000s-3" (late 2000s).'
)


def add(client, model, **fields):
    """Fill in `model`'s add page and save it; returns the response."""
    url = admin_url(model, "add")
    return client.post(url, {**form_data(client.get(url)), **fields})


def refused(response, model, count):
    assert response.status_code == 200, "the form was accepted"
    assert model.objects.count() == count, "something was saved"
    return errors(response)


def statistic(**overrides):
    return {
        "measure": "U.S. students in Russia",
        "slug": "us-students",
        "stated_value": "more than 3,500",
        "value": "3500",
        "unit": "students",
        "precision": "more_than",
        "period": "year",
        "period_start": "2014",
        **overrides,
    }


def test_an_initiative_that_ends_before_it_starts(curator_client, initiative):
    response = change(curator_client, initiative, start="2016-03", end="2016-02")
    assert refused(response, Initiative, 1) == {"end": [END_BEFORE_START]}
    assert Initiative.objects.get().end == ""


def test_an_affiliation_that_ends_before_it_starts(curator_client, institution):
    person = Person.objects.create(slug="p", name="P")
    response = add(
        curator_client,
        Affiliation,
        person=person.pk,
        institution=institution.pk,
        title="t",
        start="2010",
        end="2001",
    )
    assert refused(response, Affiliation, 0) == {"end": [END_BEFORE_START]}


@pytest.mark.parametrize("bad_date", ["1 Jan 1960", "2016-13", "1965s"])
def test_a_malformed_partial_date(curator_client, initiative, bad_date):
    response = change(curator_client, initiative, start=bad_date)
    assert refused(response, Initiative, 1) == {"start": [DATE_FORMAT]}


def test_a_statistic_without_a_unit(curator_client, db):
    response = add(curator_client, Statistic, **statistic(unit=""))
    assert refused(response, Statistic, 0) == {"unit": ["This field is required."]}


def test_a_negative_statistic(curator_client, db):
    response = add(curator_client, Statistic, **statistic(value="-1"))
    assert refused(response, Statistic, 0) == {"value": ["A statistic cannot be negative: enter 0 or more."]}


def test_a_statistic_without_its_period(curator_client, db):
    response = add(curator_client, Statistic, **statistic(period_start=""))
    assert refused(response, Statistic, 0) == {
        "period_start": ["Give the first (or only) year of the period: 2013, 2016-11-05."]
    }


def test_a_statistic_whose_period_ends_before_it_starts(curator_client, db):
    response = add(
        curator_client, Statistic, **statistic(period="span", period_start="2014", period_end="2013")
    )
    assert refused(response, Statistic, 0) == {"period_end": ["The period ends before it starts."]}


def test_a_duplicate_name(curator_client, institution):
    response = add(curator_client, Institution, name="ITMO", slug="itmo-2", kind="university")
    assert refused(response, Institution, 1) == {"name": ["Institution with this Name already exists."]}


def test_a_duplicate_slug(curator_client, institution):
    response = add(curator_client, Institution, name="ITMO University", slug="itmo", kind="university")
    assert refused(response, Institution, 1) == {"slug": ["Institution with this Slug already exists."]}


def test_a_citation_with_an_empty_passage(curator_client, initiative, source):
    url = admin_url(Initiative, "change", initiative.pk)
    data = add_row(form_data(curator_client.get(url)), "citations", source=source.pk, passage="  ")
    response = curator_client.post(url, data)
    assert refused(response, Citation, 0) == {
        "citations-passage": ["Quote the passage of the source that supports the record."]
    }


def test_a_citation_that_supports_nothing_or_two_things(curator_client, initiative, institution, source):
    response = add(curator_client, Citation, source=source.pk, passage="Text.")
    message = "A citation supports exactly one record or relationship: choose one."
    assert refused(response, Citation, 0) == {"__all__": [message]}
    response = add(
        curator_client,
        Citation,
        source=source.pk,
        passage="Text.",
        initiative=initiative.pk,
        institution=institution.pk,
    )
    assert refused(response, Citation, 0) == {"__all__": [message]}
    response = add(curator_client, Citation, source=source.pk, passage="", initiative=initiative.pk)
    assert refused(response, Citation, 0) == {
        "passage": ["Quote the passage of the source that supports the record."]
    }


def test_the_same_role_twice(curator_client, initiative, institution):
    InitiativeInstitution.objects.create(initiative=initiative, institution=institution, role="host")
    response = add(
        curator_client,
        InitiativeInstitution,
        initiative=initiative.pk,
        institution=institution.pk,
        role="host",
    )
    assert refused(response, InitiativeInstitution, 1) == {
        "__all__": ["This institution already has this role in this initiative."]
    }


def test_nothing_of_a_refused_form_is_saved_not_even_its_valid_inline_rows(
    curator_client, initiative, source
):
    url = admin_url(Initiative, "change", initiative.pk)
    data = add_row(form_data(curator_client.get(url)), "citations", source=source.pk, passage="Fine.")
    response = curator_client.post(url, {**data, "end": "1900"})
    assert refused(response, Citation, 0) == {"end": [END_BEFORE_START]}
    assert initiative.history.count() == 1
