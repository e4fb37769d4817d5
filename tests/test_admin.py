"""The curators' admin: every model, its pages, search, filters, drafts, actions and CSV export."""

import csv
import io
import json
import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from programs.models import (
    Citation,
    FacetCount,
    Initiative,
    InitiativeInstitution,
    Institution,
    Statistic,
    Topic,
)
from programs.search_index import reindex
from tests.admin_forms import add_row, admin_url, change, errors, form_data, listed
from tests.dom import dom

MODELS = [
    model
    for model in apps.get_app_config("programs").get_models()
    if not model._meta.model_name.startswith("historical") and model is not FacetCount  # derived: not curated
]

# The most queries each page may run for a curator: (list, add, change), on the
# `knowledge_base` fixture, which has two or more rows in every list and in every inline.
# A list's count does not grow with its rows; a change page runs one query per inline row
# (its autocomplete widget looks up the selected record).
QUERIES = {
    "country": (8, 5, 9),
    "topic": (8, 5, 9),
    "institution": (11, 5, 10),
    "person": (8, 5, 11),
    "affiliation": (9, 5, 13),
    "source": (9, 5, 10),
    "track": (8, 5, 10),
    "initiative": (16, 5, 29),
    "initiativetrack": (9, 5, 13),
    "initiativetopic": (9, 5, 13),
    "initiativecountry": (9, 5, 13),
    "event": (8, 5, 14),
    "initiativeinstitution": (8, 5, 13),
    "initiativeperson": (8, 5, 13),
    "statistic": (11, 5, 14),
    "citation": (9, 5, 9),
}


def test_every_model_is_registered():
    assert {model._meta.model_name for model in MODELS} == set(QUERIES)
    for model in MODELS:
        assert admin.site.is_registered(model), model


@pytest.mark.parametrize("view", ["changelist", "add", "change"])
@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.model_name)
def test_pages_render_for_a_curator_with_a_fixed_number_of_queries(
    curator_client, knowledge_base, django_assert_max_num_queries, model, view
):
    args = [model.objects.order_by("pk").first().pk] if view == "change" else []
    ContentType.objects.clear_cache()
    most = QUERIES[model._meta.model_name][["changelist", "add", "change"].index(view)]
    with django_assert_max_num_queries(most):
        response = curator_client.get(admin_url(model, view, *args))
    assert response.status_code == 200


def test_list_columns_tell_records_apart(curator_client, knowledge_base):
    response = curator_client.get(admin_url(Institution))
    assert listed(response, "name") == ["ITMO", "MIT", "Sloan School"]
    assert '<td class="field-parent nowrap">MIT</td>' in response.text
    assert '<td class="field-kind">College or school</td>' in response.text


def test_list_search_goes_through_the_site_search(curator_client, knowledge_base):
    response = curator_client.get(admin_url(Institution), {"q": "ITMO"})
    assert listed(response, "name") == ["ITMO"]
    response = curator_client.get(admin_url(Initiative), {"q": "forum"})
    assert listed(response, "name") == ["A Forum"]


def test_initiatives_are_found_by_the_names_of_their_institutions(curator_client, knowledge_base):
    reindex()  # what the commit of the fixture's transaction would have done
    response = curator_client.get(admin_url(Initiative), {"q": "ITMO"})
    assert listed(response, "name") == ["A Dialogue"]


def test_an_initiative_renamed_in_the_admin_is_found_by_its_new_name(
    curator_client, initiative, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        change(curator_client, initiative, name="Elbrus Talks")
    response = curator_client.get(admin_url(Initiative), {"q": "Elbrus"})
    assert listed(response, "name") == ["Elbrus Talks"]
    assert list(Initiative.objects.published().search("Elbrus")) == [initiative]


def test_statistics_are_found_by_what_they_count(curator_client, knowledge_base):
    response = curator_client.get(admin_url(Statistic), {"q": "students 2014"})
    assert listed(response, "measure") == ["U.S. students in Russia, 2014"]


def test_join_records_are_found_by_their_parents_names(curator_client, knowledge_base):
    response = curator_client.get(admin_url(InitiativeInstitution), {"q": "MIT"})
    assert listed(response, "role") == ["Partner"]


def test_filters_show_facet_counts(curator_client, knowledge_base):
    response = curator_client.get(admin_url(Initiative))
    assert "Track 1.5 (2)" in response.text
    assert "Dialogue (1)" in response.text
    response = curator_client.get(admin_url(Initiative), {"is_published__exact": "1"})
    assert listed(response, "name") == ["A Dialogue"]


def test_autocomplete_finds_the_record_by_name(curator_client, knowledge_base):
    response = curator_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "programs",
            "model_name": "initiativeinstitution",
            "field_name": "institution",
            "term": "ITMO",
        },
    )
    assert [result["text"] for result in response.json()["results"]] == ["ITMO"]


def test_the_add_page_prefills_the_slug_and_offers_a_citation(curator_client, db):
    response = curator_client.get(admin_url(Initiative, "add"))
    page = dom(response)
    prepopulated = json.loads(
        page.by_id("django-admin-prepopulated-fields-constants").attr("data-prepopulated-fields")
    )
    assert {
        "id": "#id_slug",
        "name": "slug",
        "dependency_ids": ["#id_name"],
        "dependency_list": ["name"],
    }.items() <= (next(field for field in prepopulated if field["name"] == "slug").items())
    assert page.by_id("id_is_published").attr("type") == "checkbox"
    assert not page.by_id("id_is_published").has("checked")
    assert page.find("input", name_="citations-TOTAL_FORMS").attr("value") == "1"
    assert page.find("textarea", name_="citations-0-passage") is not None


def test_a_curator_adds_a_draft_initiative_with_its_host_and_a_citation(
    curator_client, curator, institution, source
):
    data = form_data(curator_client.get(admin_url(Initiative, "add")))
    data.update(name="A New Dialogue", slug="a-new-dialogue", kind="dialogue", summary="People meet.")
    add_row(data, "institution_roles", institution=institution.pk, role="host")
    data.update({"citations-0-source": source.pk, "citations-0-passage": "People meet."})
    response = curator_client.post(admin_url(Initiative, "add"), data)
    assert response.status_code == 302, errors(response)

    initiative = Initiative.objects.get(slug="a-new-dialogue")
    assert initiative.is_published is False
    assert list(initiative.institution_roles.values_list("institution__name", "role")) == [("ITMO", "host")]
    assert initiative.citations.get().passage == "People meet."
    assert initiative.history.get().history_user == curator


def test_publish_and_unpublish_every_selected_record(curator_client, curator, knowledge_base):
    drafts = Topic.objects.filter(is_published=False)
    assert drafts.count() == 1
    response = curator_client.post(
        admin_url(Topic),
        {"action": "publish", admin.helpers.ACTION_CHECKBOX_NAME: [t.pk for t in Topic.objects.all()]},
        follow=True,
    )
    assert "Published 1 topic." in response.text
    assert not Topic.objects.filter(is_published=False).exists()
    education = Topic.objects.get(slug="education")
    latest = education.history.first()
    assert (latest.history_user, latest.history_change_reason) == (curator, "Published")
    assert latest.diff_against(latest.prev_record).changed_fields == ["is_published"]

    response = curator_client.post(
        admin_url(Topic),
        {"action": "unpublish", admin.helpers.ACTION_CHECKBOX_NAME: [education.pk]},
        follow=True,
    )
    assert "Unpublished 1 topic." in response.text
    assert Topic.objects.get(slug="education").is_published is False
    assert education.history.first().history_change_reason == "Unpublished"


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.model_name)
def test_every_list_exports_the_selected_rows_as_csv(curator_client, knowledge_base, model):
    selected = list(model.objects.order_by("pk")[:2])
    response = curator_client.post(
        admin_url(model),
        {"action": "export_csv", admin.helpers.ACTION_CHECKBOX_NAME: [record.pk for record in selected]},
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="{model._meta.model_name}.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert sorted(row["id"] for row in rows) == sorted(str(record.pk) for record in selected)


def test_the_export_names_related_records_and_defuses_formulas(curator_client, knowledge_base):
    statistic = Statistic.objects.get(slug="students-2013")
    statistic.measure = "=HYPERLINK(1)"
    statistic.save()
    response = curator_client.post(
        admin_url(Statistic), {"action": "export_csv", admin.helpers.ACTION_CHECKBOX_NAME: [statistic.pk]}
    )
    [row] = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    assert row["measure"] == "'=HYPERLINK(1)"
    assert (row["reported_by"], row["to_country"], row["value"]) == ("ITMO", "Russia", "3013.00")
    initiative = Initiative.objects.get(slug="a-dialogue")
    response = curator_client.post(
        admin_url(Initiative), {"action": "export_csv", admin.helpers.ACTION_CHECKBOX_NAME: [initiative.pk]}
    )
    [row] = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    assert row["tracks"] == "Track 1.5; Track II"
    assert "search_vector" not in row and "related_names" not in row


def test_the_export_of_every_row_runs_a_fixed_number_of_queries(
    curator_client, knowledge_base, django_assert_max_num_queries
):
    pks = list(Citation.objects.values_list("pk", flat=True))
    with django_assert_max_num_queries(9):
        curator_client.post(
            admin_url(Citation), {"action": "export_csv", admin.helpers.ACTION_CHECKBOX_NAME: pks}
        )


INLINE_CODE = re.compile(r'\sstyle="|<style|<script(?![^>]*\ssrc=)[^>]*>|\son[a-z]+="')


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.model_name)
def test_pages_carry_no_inline_script_or_style(curator_client, knowledge_base, model):
    """The admin must work under a Content-Security-Policy without 'unsafe-inline'."""
    record = model.objects.order_by("pk").first()
    version = record.history.first()
    for view, args in [
        ("changelist", []),
        ("add", []),
        ("change", [record.pk]),
        ("history", [record.pk]),
        ("simple_history", [record.pk, version.pk]),
    ]:
        text = curator_client.get(admin_url(model, view, *args)).text
        assert not INLINE_CODE.search(text), (view, INLINE_CODE.search(text).group(0))


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.model_name)
def test_lists_of_the_whole_article_run_no_more_queries(
    curator_client, article, django_assert_max_num_queries, model
):
    assert model.objects.exists()
    with django_assert_max_num_queries(QUERIES[model._meta.model_name][0]):
        assert curator_client.get(admin_url(model)).status_code == 200
