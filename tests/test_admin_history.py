"""History in the admin: who changed what, when and why; revert; no lost updates."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from programs.models import Citation, Initiative
from tests.admin_forms import add_row, admin_url, change, errors, form_data
from tests.conftest import curator_group


@pytest.fixture
def second_curator(curator):
    user = User.objects.create_user("second", is_staff=True)
    user.groups.add(curator_group())
    client = Client()
    client.force_login(user)
    return client


def test_history_shows_who_changed_what_and_why(curator_client, curator, initiative):
    response = change(
        curator_client, initiative, summary="Citizens and officials meet.", change_reason="As the IIE says"
    )
    assert response.status_code == 302

    latest = initiative.history.first()
    assert (latest.history_type, latest.history_user, latest.history_change_reason) == (
        "~",
        curator,
        "As the IIE says",
    )
    assert latest.diff_against(latest.prev_record).changed_fields == ["summary"]
    page = curator_client.get(admin_url(Initiative, "history", initiative.pk))
    assert page.status_code == 200
    text = page.text
    assert "<td>curator</td>" in text
    assert "<td>As the IIE says</td>" in text
    assert "Citizens meet. &rarr; Citizens and officials meet." in text


def test_inline_rows_are_saved_with_the_same_reason(curator_client, curator, initiative, source):
    url = admin_url(Initiative, "change", initiative.pk)
    data = form_data(curator_client.get(url))
    add_row(data, "citations", source=source.pk, passage="Citizens meet.")
    data["change_reason"] = "Cite the report"
    assert curator_client.post(url, data).status_code == 302
    citation = initiative.citations.get()
    assert citation.history.get().history_user == curator
    assert citation.history.get().history_change_reason == "Cite the report"


def test_a_curator_reverts_to_an_earlier_version(curator_client, curator, initiative):
    first = initiative.history.get()
    change(curator_client, initiative, name="A Renamed Dialogue", summary="Changed.")
    assert Initiative.objects.get(pk=initiative.pk).name == "A Renamed Dialogue"

    url = admin_url(Initiative, "simple_history", initiative.pk, first.pk)
    page = curator_client.get(url)
    assert "Revert" in page.text
    data = form_data(page)
    assert data["change_reason"].startswith("Reverted to the version of ")
    assert curator_client.post(url, data).status_code == 302

    reverted = Initiative.objects.get(pk=initiative.pk)
    assert (reverted.name, reverted.summary) == ("A Dialogue", "Citizens meet.")
    latest = reverted.history.first()
    assert latest.history_user == curator
    assert latest.history_change_reason.startswith("Reverted to the version of ")
    assert set(latest.diff_against(latest.prev_record).changed_fields) == {"name", "summary"}


def test_records_loaded_from_the_fixtures_have_their_first_version(curator_client, article):
    initiative = Initiative.objects.order_by("pk").first()
    page = curator_client.get(admin_url(Initiative, "history", initiative.pk))
    assert "Loaded from the article fixtures" in page.text


def test_the_second_of_two_concurrent_saves_is_refused(curator_client, second_curator, initiative):
    url = admin_url(Initiative, "change", initiative.pk)
    opened_first = form_data(curator_client.get(url))
    opened_second = form_data(second_curator.get(url))
    assert second_curator.post(url, {**opened_second, "summary": "The second's words."}).status_code == 302
    versions = initiative.history.count()

    response = curator_client.post(url, {**opened_first, "summary": "The first's words."})
    assert response.status_code == 200
    [message] = errors(response)["__all__"]
    assert message.startswith("This record was changed by someone else since you opened it (second, ")
    assert "Nothing was saved" in message
    assert Initiative.objects.get(pk=initiative.pk).summary == "The second's words."
    assert initiative.history.count() == versions

    # Opened again, the record saves.
    assert change(curator_client, initiative, summary="The first's words.").status_code == 302
    assert Initiative.objects.get(pk=initiative.pk).summary == "The first's words."


def test_a_revert_of_a_record_changed_meanwhile_is_refused(curator_client, second_curator, initiative):
    url = admin_url(Initiative, "simple_history", initiative.pk, initiative.history.get().pk)
    opened = form_data(curator_client.get(url))
    change(second_curator, initiative, summary="The second's words.")
    response = curator_client.post(url, opened)
    assert "This record was changed by someone else" in response.text
    assert Initiative.objects.get(pk=initiative.pk).summary == "The second's words."


def test_a_save_without_the_opened_version_is_refused(curator_client, initiative):
    url = admin_url(Initiative, "change", initiative.pk)
    data = form_data(curator_client.get(url))
    del data["loaded_version"]
    response = curator_client.post(url, {**data, "summary": "Blind write."})
    assert errors(response)["__all__"] == [
        "Nothing was saved: the form does not say which version you opened. Open the record again."
    ]
    assert Initiative.objects.get(pk=initiative.pk).summary == "Citizens meet."


def test_the_second_of_two_concurrent_saves_of_a_citation_row_is_refused(
    curator_client, second_curator, initiative, source
):
    """The rows of a record's inlines — citations, roles, links — are guarded like the record."""
    citation = Citation.objects.create(source=source, initiative=initiative, passage="A first wording.")
    url = admin_url(Initiative, "change", initiative.pk)
    opened_first = form_data(curator_client.get(url))
    opened_second = form_data(second_curator.get(url))
    row = next(key for key, value in opened_first.items() if value == "A first wording.")
    assert second_curator.post(url, {**opened_second, row: "The second's wording."}).status_code == 302

    response = curator_client.post(url, {**opened_first, row: "The first's wording."})
    assert response.status_code == 200
    assert any("changed by someone else" in message for message in sum(errors(response).values(), []))
    assert Citation.objects.get(pk=citation.pk).passage == "The second's wording."
