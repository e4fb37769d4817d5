"""Hostile input in the admin's forms: for every curated model, Hypothesis fills the add form and
the change form (inlines and their management forms included) with hostile values, as a
browser would post them. Bad data is refused with the form shown again, nothing of a refused
post is saved (the row count of every table and the edited record are as before), and no
answer is a server error or echoes markup unescaped.

The forms are read from the admin's own pages, so new fields and inlines are fuzzed without
editing this file.
"""

import os

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from tests.hostile import FUZZ, check_answer, hostile_value, read_form, row_counts, snapshot

# An admin post costs 100-300 ms under CI's two suites at once (the whole form is validated and
# drawn again), and there are two forms per model: 15 examples each keep this file under a
# minute per database. A deep run (ATLAS_FUZZ_EXAMPLES=500) takes as many here as everywhere.
EXAMPLES = int(os.environ.get("ATLAS_FUZZ_EXAMPLES") or 15)
SETTINGS = FUZZ.__class__(FUZZ, max_examples=EXAMPLES)


def curated_models():
    return sorted(
        (model for model in admin.site._registry if model._meta.app_label == "programs"),
        key=lambda model: model._meta.model_name,
    )


MODELS = {model._meta.model_name: model for model in curated_models()}


@pytest.fixture
def owner_client(article):
    owner = get_user_model().objects.create_superuser("owner")
    client = Client()
    client.force_login(owner)
    return client


def hostile_post(data, options):
    """The untouched form with a few fields set to hostile values, valid choices or nothing."""

    def value_for(name):
        values = [st.just([]), st.lists(hostile_value, min_size=1, max_size=2)]
        if options.get(name):
            values.append(st.lists(st.sampled_from(options[name]), max_size=3, unique=True))
        return st.one_of(*values)

    chosen = st.lists(st.sampled_from(sorted(data)), min_size=1, max_size=4, unique=True)
    changes = chosen.flatmap(lambda names: st.fixed_dictionaries({name: value_for(name) for name in names}))
    return changes.map(lambda changed: {**data, **changed, "_save": ["Save"]})


def post_and_check(client, url, post, model, pk=None):
    """Post in a savepoint that is rolled back afterwards, so every example starts alike."""
    with transaction.atomic():
        counts, record = row_counts(), pk and snapshot(model, pk)
        response = client.post(url, post)
        check_answer(response, url)
        if response.status_code == 200:  # refused: the form is shown again, nothing changed
            assert row_counts() == counts, f"{url}: a refused post changed the database"
            if pk:
                assert snapshot(model, pk) == record, f"{url}: a refused post changed the record"
        else:
            assert response.status_code == 302, f"{url}: answered {response.status_code}"
            if not pk:
                table = model._meta.db_table
                assert row_counts()[table] == counts[table] + 1
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(MODELS))
def test_add_form(name, owner_client):
    model = MODELS[name]
    url = f"/admin/programs/{name}/add/"
    data, options = read_form(owner_client, url, model)

    @SETTINGS
    @given(post=hostile_post(data, options))
    def fuzz(post):
        post_and_check(owner_client, url, post, model)

    fuzz()


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(MODELS))
def test_change_form(name, owner_client):
    model = MODELS[name]
    record = model._default_manager.order_by("pk").first()
    assert record is not None, f"the article has no {name}"
    url = f"/admin/programs/{name}/{record.pk}/change/"
    data, options = read_form(owner_client, url, model)

    @SETTINGS
    @given(post=hostile_post(data, options))
    def fuzz(post):
        post_and_check(owner_client, url, post, model, pk=record.pk)

    fuzz()


@pytest.mark.django_db
@pytest.mark.parametrize("value", [" ", "x", "1.5", "99999999999999999999999"])
def test_a_malformed_autocomplete_id_is_refused_not_a_server_error(owner_client, value):
    """Found by the fuzz: Django's autocomplete widget looked up " " to show the form again."""
    model = MODELS["institution"]
    url = "/admin/programs/institution/add/"
    data, _ = read_form(owner_client, url, model)
    response = owner_client.post(url, {**data, "name": "A", "slug": "a", "country": [value], "_save": "Save"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
