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


def edit(atlas, change):
    # The records as stored: the module's objects are shared by its tests, whose changes roll back.
    atlas = {
        slug: type(record).objects.get(pk=record.pk)
        for slug, record in atlas.items()
        if hasattr(record, "pk")
    }
    dartmouth = atlas["dartmouth"]
    if change == "withdraw an initiative":
        dartmouth.is_published = False
        dartmouth.save()
    elif change == "publish a draft initiative":
        draft = Initiative.objects.filter(is_published=False).first()
        draft.is_published = True
        draft.save()
    elif change == "change a kind and a start":
        dartmouth.kind = "forum"
        dartmouth.start = "1975"
        dartmouth.save()
    elif change == "add and remove topics":
        dartmouth.topics.add(atlas["space"], atlas["health"])
        dartmouth.topics.remove(atlas["climate-change"])
    elif change == "clear the topics":
        dartmouth.topics.clear()
    elif change == "clear a topic's initiatives":
        atlas["education"].initiatives.clear()
    elif change == "add a track from its side":
        atlas["track-i"].initiatives.add(dartmouth)
    elif change == "move a role to another institution":
        role = InitiativeInstitution.objects.filter(initiative=dartmouth).first()
        role.institution = Institution.objects.published().exclude(pk=role.institution_id).first()
        role.save()
    elif change == "delete a role":
        InitiativeInstitution.objects.filter(initiative=dartmouth).delete()
    elif change == "rename a topic and change its slug":
        topic = atlas["education"]
        topic.name, topic.slug = "Schooling", "schooling"
        topic.save()
    elif change == "withdraw a topic":
        atlas["education"].is_published = False
        atlas["education"].save()
    elif change == "publish a draft topic":
        topic = Topic.objects.get(slug="secret-topic")
        topic.initiatives.add(dartmouth)
        topic.is_published = True
        topic.save()
    elif change == "rank the tracks again":
        Track.objects.filter(slug="track-ii").update(rank=9)  # no signal: a bulk write
        summary.rebuild()
    elif change == "delete an initiative":
        dartmouth.delete()


CHANGES = [
    "withdraw an initiative",
    "publish a draft initiative",
    "change a kind and a start",
    "add and remove topics",
    "clear the topics",
    "clear a topic's initiatives",
    "add a track from its side",
    "move a role to another institution",
    "delete a role",
    "rename a topic and change its slug",
    "withdraw a topic",
    "publish a draft topic",
    "rank the tracks again",
    "delete an initiative",
]


@pytest.mark.parametrize("change", CHANGES)
def test_the_whole_list_counts_what_the_data_say_after_a_change(client, atlas, change):
    assert FacetCount.objects.filter(facet=FacetCount.TOTAL).exists()  # kept, so read
    edit(atlas, change)
    assert summary.drift() == []
    kept, fresh = get(client), counted_afresh(client)
    for param in FACETS:
        assert counts(kept, param) == counts(fresh, param), param
    assert "no start date" not in kept.content.decode() or kept.content == fresh.content


def test_the_list_shows_a_change_of_counts_at_once(client, atlas):
    before = counts(get(client), "topic")
    atlas["dartmouth"].topics.add(atlas["space"])
    assert counts(get(client), "topic")["space"] == before["space"] + 1
    assert get(client).content.decode().count("Space") >= 1


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
