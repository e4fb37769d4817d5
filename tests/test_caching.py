"""Cached figures are computed once per generation of the data; any change starts a new one."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from programs import caching
from programs.models import Initiative, InitiativeInstitution, Topic, Track

pytestmark = pytest.mark.django_db


class Counter:
    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return Initiative.objects.count()


def test_a_figure_is_computed_once_while_nothing_changes(initiative):
    compute = Counter()
    assert caching.cached("n", ("a",), compute) == 1
    assert caching.cached("n", ("a",), compute) == 1
    assert compute.calls == 1
    assert caching.cached("n", ("b",), compute) == 1  # other parts, another entry
    assert compute.calls == 2


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(
            lambda i, **_: Initiative.objects.create(slug="b", name="B", kind="forum", summary="."),
            id="create",
        ),
        pytest.param(lambda i, **_: i.save(), id="save"),
        pytest.param(lambda i, **_: i.delete(), id="delete"),
        pytest.param(lambda i, **_: i.topics.add(Topic.objects.create(slug="t", name="T")), id="m2m add"),
        pytest.param(
            lambda i, institution, **_: InitiativeInstitution.objects.create(
                initiative=i, institution=institution, role="host"
            ),
            id="join record",
        ),
    ],
)
def test_any_change_to_the_data_makes_it_computed_again(initiative, institution, change):
    compute = Counter()
    caching.cached("n", (), compute)
    change(initiative, institution=institution)
    caching.cached("n", (), compute)
    assert compute.calls == 2


def test_a_change_starts_a_new_generation_again_when_it_commits(
    initiative, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        initiative.save()
        during = caching.generation()
    assert caching.generation() != during


def test_synthesize_and_remove_start_a_new_generation():
    before = caching.generation()
    call_command("synthesize", initiatives=3, stdout=io.StringIO())
    loaded = caching.generation()
    call_command("synthesize", remove=True, stdout=io.StringIO())
    assert len({before, loaded, caching.generation()}) == 3


def sql_count(client, address):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
        content = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200
    return len(captured), content.decode()


@pytest.mark.parametrize(
    "address",
    [
        "/",
        "/initiatives/",
        "/initiatives/?q=dialogue&track=track-ii",
        "/initiatives.csv?track=track-ii",
        "/search/?q=dialogue",
    ],
)
def test_pages_show_the_same_from_the_cache_and_fresh_data_after_a_change(client, article, address):
    first, content = sql_count(client, address)
    again, content_again = sql_count(client, address)
    assert again < first
    assert content_again == content
    new = Initiative.objects.create(
        slug="a-new-dialogue",
        name="A New Dialogue",
        kind="dialogue",
        summary="A dialogue.",
        is_published=True,
    )
    new.tracks.add(*Track.objects.filter(slug="track-ii"))
    _, changed = sql_count(client, address)
    assert changed != content


@pytest.mark.parametrize("address", ["/", "/initiatives/?q=dialogue", "/initiatives/dartmouth-conference/"])
def test_a_whole_page_comes_from_the_cache_without_a_query(client, article, address):
    _, content = sql_count(client, address)
    assert sql_count(client, address) == (0, content)


def test_curators_pages_are_never_from_the_cache(client, article, admin_user):
    draft = Initiative.objects.create(slug="draft", name="A Draft", kind="forum", summary="Not yet.")
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(admin_user)
    assert client.get(draft.get_absolute_url()).status_code == 200  # a preview, not the kept 404
    reader = Client()
    assert "Dartmouth Conference" in reader.get("/initiatives/").text  # kept for readers
    Initiative.objects.filter(slug="dartmouth-conference").update(name="Dartmouth, renamed")  # no signal
    assert "Dartmouth, renamed" not in reader.get("/initiatives/").text  # the kept page
    assert "Dartmouth, renamed" in client.get("/initiatives/").text  # rendered by the view again


def test_a_404_is_not_kept(client, article):
    assert client.get("/initiatives/later/").status_code == 404
    Initiative.objects.create(slug="later", name="Later", kind="forum", summary=".", is_published=True)
    assert client.get("/initiatives/later/").status_code == 200
