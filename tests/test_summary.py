"""The facet counts of the whole list of initiatives are kept as curators change the data
(programs.summary): the unfiltered list shows what the data say after every kind of change,
and `check_data` finds no drift."""

import pytest
from django.core.management import call_command
from django.db import transaction

from programs import caching, summary
from programs.checks import drifted_counts
from programs.models import FacetCount, Initiative, InitiativeInstitution, Institution, Topic, Track
from tests.test_site_initiatives import counts, get

pytestmark = pytest.mark.django_db


FACETS = ("track", "kind", "topic", "institution", "country", "decade", "status")


def counted_afresh(client):
    """The unfiltered list as it is without the kept counts: counted from the data."""
    with transaction.atomic():
        FacetCount.objects.all().delete()
        caching.new_generation()
        response = get(client)
        transaction.set_rollback(True)
    caching.new_generation()
    return response


CHANGES = {}  # what a curator may do: {name: change(records)}


def change(name):
    def register(function):
        CHANGES[name] = function
        return function

    return register


@change("withdraw an initiative")
def withdraw(r):
    r["dartmouth"].is_published = False
    r["dartmouth"].save()


@change("publish a draft initiative")
def publish(r):
    draft = Initiative.objects.filter(is_published=False).first()
    draft.is_published = True
    draft.save()


@change("change a kind and a start")
def change_kind_and_start(r):
    r["dartmouth"].kind, r["dartmouth"].start = "forum", "1975"
    r["dartmouth"].save()


@change("add and remove topics")
def add_and_remove_topics(r):
    r["dartmouth"].topics.add(r["space"], r["health"])
    r["dartmouth"].topics.remove(r["climate-change"])


@change("clear the topics")
def clear_topics(r):
    r["dartmouth"].topics.clear()


@change("clear a topic's initiatives")
def clear_a_topic(r):
    r["education"].initiatives.clear()


@change("add a track from its side")
def add_from_the_track(r):
    r["track-i"].initiatives.add(r["dartmouth"])


@change("move a role to another institution")
def move_a_role(r):
    role = InitiativeInstitution.objects.filter(initiative=r["dartmouth"]).first()
    role.institution = Institution.objects.published().exclude(pk=role.institution_id).first()
    role.save()


@change("delete a role")
def delete_a_role(r):
    InitiativeInstitution.objects.filter(initiative=r["dartmouth"]).delete()


@change("rename a topic and change its slug")
def rename_a_topic(r):
    r["education"].name, r["education"].slug = "Schooling", "schooling"
    r["education"].save()


@change("withdraw a topic")
def withdraw_a_topic(r):
    r["education"].is_published = False
    r["education"].save()


@change("publish a draft topic")
def publish_a_topic(r):
    topic = Topic.objects.get(slug="secret-topic")
    topic.initiatives.add(r["dartmouth"])
    topic.is_published = True
    topic.save()


@change("rank the tracks again, in bulk")
def rank_in_bulk(r):
    Track.objects.filter(slug="track-ii").update(rank=9)  # no signal: a bulk write
    summary.rebuild()


@change("delete an initiative")
def delete_an_initiative(r):
    r["dartmouth"].delete()


@pytest.mark.parametrize("change", CHANGES)
def test_the_whole_list_counts_what_the_data_say_after_a_change(client, atlas, change):
    assert FacetCount.objects.filter(facet=FacetCount.TOTAL).exists()  # kept, so read
    # The records as stored: the module's objects are shared by its tests, whose changes roll back.
    CHANGES[change]({slug: type(record).objects.get(pk=record.pk) for slug, record in atlas.items()})
    assert summary.drift() == []
    kept, fresh = get(client), counted_afresh(client)
    for param in FACETS:
        assert counts(kept, param) == counts(fresh, param), param


def test_the_list_shows_a_change_of_counts_at_once(client, atlas):
    before = counts(get(client), "topic")
    atlas["dartmouth"].topics.add(atlas["space"])
    assert counts(get(client), "topic")["space"] == before["space"] + 1


def test_a_database_whose_counts_are_not_kept_counts_from_the_data(client, atlas):
    expected = counts(get(client), "topic")
    FacetCount.objects.all().delete()  # filled by a bulk write that did not count
    caching.new_generation()
    assert counts(get(client), "topic") == expected
    call_command("reindex", verbosity=0)
    assert FacetCount.objects.filter(facet="topic").exists()
    assert counts(get(client), "topic") == expected


def test_check_data_tells_of_counts_that_drifted(atlas):
    assert list(drifted_counts()) == []
    FacetCount.objects.filter(facet="topic", value="education").update(n=999)  # a bulk write
    [problem] = drifted_counts()
    assert "Education" in problem and "999" in problem and "manage.py reindex" in problem
