"""Every public page, its JSON twin and every CSV run a fixed number of SQL queries, however many
records there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programs.models import Citation, Event, Initiative, InitiativeInstitution, InitiativePerson, Statistic

pytestmark = pytest.mark.django_db


def url(name, *args, query="", api=False):
    return reverse(f"{'api' if api else 'programs'}:{name}", args=args) + query


def api(name, *args, query=""):
    return url(name, *args, query=query, api=True)


# Each page and the most queries it may run. A search of plain words runs one more for each kind
# whose names it may find near misses of (initiatives, institutions, people): whether the words
# match enough records exactly to leave near misses out (programs.search).
PAGES = {
    url("home"): 14,
    url("initiative_list"): 4,
    url("initiative_list", query="?q=seminars&sort=start&page=1"): 4,
    # The facets' statement counts the results too (Browse.groups). Without words, on PostgreSQL,
    # one more: whether every published initiative is too many to group exactly.
    url("initiative_list", query="?track=track-ii&topic=education&institution=stanford&country=russia"): 8,
    url("initiative_list", query="?q=stanford&kind=forum&decade=2000s&status=ongoing"): 4,
    # One query per CHUNK rows and relation, besides the search.
    url("initiative_csv", query="?q=seminars&track=track-ii"): 9,
    # A whole list: one more, whether it is short enough to write its file in the request.
    url("initiative_csv"): 8,
    url("institution_csv"): 3,
    url("person_csv", query="?q=rice"): 3,
    url("track_csv"): 4,
    url("statistic_csv"): 3,
    url("source_csv"): 4,
    url("topic_csv"): 3,
    url("country_csv"): 3,
    url("event_csv"): 5,
    # Two per kind of record at most: the first rows, and a count when there are more.
    url("search", query="?q=students"): 16,
    url("search", query="?q=stanford or russia"): 16,
    # A detail page: one more for its latest version (programs.citing), which it cites.
    url("initiative", "dartmouth-conference"): 10,
    url("event", "2016-session"): 5,
    url("institution", "stanford"): 8,
    url("person", "michael-mcfaul"): 7,
    url("track", "track-ii"): 5,
    url("statistic", "dartmouth-meetings"): 3,
    url("source", "analysis"): 7,
    url("topic", "education"): 4,
    url("country", "russia"): 6,
    # The rows and their count, and one count per facet (kind, country).
    url("institution_list"): 4,
    url("person_list", query="?q=rice"): 4,  # one more: the counts of its facet (affiliations)
    url("track_list"): 2,
    url("statistic_list"): 3,  # one more: the counts of its facet
    url("source_list"): 3,  # one more: the counts of its facet
    url("topic_list"): 2,
    url("country_list"): 2,
    url("event_list"): 2,
    # The JSON twins read what their pages read, with the pages' own views.
    api("home"): 14,
    api("search", query="?q=students"): 16,
    api("initiative_list"): 4,
    api("initiative_list", query="?q=seminars&sort=start&page=1"): 4,
    api("initiative_list", query="?track=track-ii&topic=education&institution=stanford&country=russia"): 8,
    api("initiative_list", query="?q=stanford&kind=forum&decade=2000s&status=ongoing&page_size=5"): 4,
    # A record's JSON: one more for its latest version (programs.citing), which its page cites too.
    api("initiative", "dartmouth-conference"): 10,
    api("event", "2016-session"): 5,
    api("institution", "stanford"): 8,
    api("person", "michael-mcfaul"): 7,
    api("track", "track-ii"): 5,
    api("statistic", "dartmouth-meetings"): 3,
    api("source", "analysis"): 7,
    api("topic", "education"): 4,
    api("country", "russia"): 6,
    api("institution_list"): 2,
    api("person_list", query="?q=rice"): 3,
    api("track_list"): 2,
    api("statistic_list"): 2,
    api("source_list"): 2,
    api("topic_list"): 2,
    api("country_list"): 2,
    api("event_list", query="?page_size=10"): 2,
    api("openapi-json"): 0,
}
URLS = list(PAGES)


def queries(client, address):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, address
    return len(captured)


def grow(atlas, times):
    """More initiatives, roles, statistics and citations on the same records."""
    for number in range(times):
        initiative = Initiative.objects.create(
            slug=f"more-{number}",
            name=f"More {number}",
            kind="forum",
            summary="Students and seminars.",
            description="Stanford Russia seminars.",
            start=f"{1961 + number}",
            is_published=True,
        )
        initiative.tracks.add(atlas["track-ii"])
        initiative.topics.add(atlas["education"])
        initiative.countries.add(atlas["russia"])
        role = InitiativeInstitution.objects.create(
            initiative=initiative, institution=atlas["stanford"], role="host"
        )
        InitiativePerson.objects.create(initiative=initiative, person=atlas["michael-mcfaul"], role="member")
        Event.objects.create(
            slug=f"more-{number}",
            name=f"Session {number}",
            initiative=atlas["dartmouth"],
            date="2016",
            is_published=True,
        )
        Statistic.objects.create(
            slug=f"more-{number}",
            measure=f"Meetings {number}",
            value=number,
            stated_value=str(number),
            unit="meetings",
            precision="exact",
            period="year",
            period_start="2016",
            initiative=initiative,
            reported_by=atlas["stanford"],
            is_published=True,
        )
        Citation.objects.create(source=atlas["analysis"], passage=f"Passage {number}.", initiative=initiative)
        Citation.objects.create(
            source=atlas["analysis"], passage=f"Role {number}.", initiative_institution=role
        )


@pytest.mark.parametrize(("address", "most"), PAGES.items())
def test_each_page_runs_a_pinned_number_of_queries(
    client, atlas, django_assert_max_num_queries, address, most
):
    with django_assert_max_num_queries(most):
        response = client.get(address)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200


def test_no_page_runs_more_queries_with_more_records(client, atlas, django_capture_on_commit_callbacks):
    before = {address: queries(client, address) for address in URLS}
    with django_capture_on_commit_callbacks(execute=True):
        grow(atlas, 60)
    after = {address: queries(client, address) for address in URLS}
    for address in URLS:
        if address.startswith((url("search"), api("search"))):  # counts a kind only past what it shows
            assert after[address] <= PAGES[address], address
        else:
            assert after[address] == before[address], address


def test_a_version_page_runs_a_fixed_number_of_queries(client, atlas, django_capture_on_commit_callbacks):
    """The record as of a version, its passages then and its citation (programs.views.citing)."""
    dartmouth = atlas["dartmouth"]
    address = reverse(
        "programs:record_version", args=[Initiative, dartmouth.slug, dartmouth.history.first().history_id]
    )
    before = queries(client, address)
    assert before <= 7
    with django_capture_on_commit_callbacks(execute=True):
        grow(atlas, 20)
    assert queries(client, address) == before
