"""The curators' admin as they read it: the summary in a box, honest dates of the last change,
and app names that say what they hold."""

import pytest
from django.urls import reverse

from programs.management.commands.load_article import REASON
from programs.models import Initiative
from tests.dom import dom

pytestmark = pytest.mark.django_db


def test_the_summary_is_a_textarea_that_keeps_its_limit(admin_client, article):
    dartmouth = Initiative.objects.get(slug="dartmouth-conference")
    html = dom(admin_client.get(reverse("admin:programs_initiative_change", args=[dartmouth.pk])))
    summary = html.find(name_="summary")
    assert summary.name == "textarea"
    assert summary.attr("maxlength") == "300"
    assert summary.text == dartmouth.summary


def last_changes(client, model="initiative"):
    html = dom(client.get(reverse(f"admin:programs_{model}_changelist") + "?o=1"))
    return {
        row.find("th").text: row.find("td", class_="field-last_change").text
        for row in html.find("table", id="result_list").find("tbody").find_all("tr")
    }


def test_the_last_change_of_a_loaded_record_says_it_was_loaded_and_of_an_edited_one_who(
    admin_client, admin_user, article
):
    changes = last_changes(admin_client)
    dartmouth = Initiative.objects.get(slug="dartmouth-conference")
    loaded_on = dartmouth.history.get(history_change_reason=REASON).history_date
    assert changes["Dartmouth Conference"] == f"loaded {loaded_on:%-d %b %Y}"
    assert "2016" not in changes["Dartmouth Conference"]  # not the article's date, as updated_at has
    heading = dom(admin_client.get(reverse("admin:programs_initiative_changelist")))
    assert "Last change" in [th.text for th in heading.find("table", id="result_list").find_all("th")]

    dartmouth.summary += " Edited."
    dartmouth._change_reason = "A test edit"
    dartmouth.save()
    edit = dartmouth.history.latest()
    edit.history_user = admin_user
    edit.save()
    assert last_changes(admin_client)["Dartmouth Conference"] == f"{edit.history_date:%-d %b %Y} by admin"


def test_a_record_written_without_history_says_so(admin_client, article):
    Initiative.objects.bulk_create(
        [Initiative(slug="bulk", name="Bulk initiative", summary="Written in bulk.")]
    )
    assert last_changes(admin_client)["Bulk initiative"] == "no history"


def test_the_admin_index_calls_axes_login_attempts_and_lockouts(admin_client):
    html = dom(admin_client.get(reverse("admin:index")))
    captions = [caption.text for caption in html.find_all("caption")]
    assert "Login attempts and lockouts" in captions
    assert "Axes" not in captions


def test_the_change_page_gives_the_last_change_from_the_history(admin_client, article):
    dartmouth = Initiative.objects.get(slug="dartmouth-conference")
    html = dom(admin_client.get(reverse("admin:programs_initiative_change", args=[dartmouth.pk])))
    row = html.find("div", class_="field-last_change")
    assert row is not None and "loaded" in row.text
    assert html.find("div", class_="field-updated_at") is None
    add = dom(admin_client.get(reverse("admin:programs_initiative_add")))
    assert add.find("div", class_="field-last_change") is None  # a new record has none yet
