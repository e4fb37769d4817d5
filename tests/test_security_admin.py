"""Nothing half-saved: an exception in the middle of an admin save, after the record and some of
its inline rows were written, leaves the database exactly as it was.

These tests commit for real (transactional database), so what is checked is what another
connection would see, not a rolled-back test transaction.
"""

import secrets

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models import Q
from django.test import Client

from tests.hostile import read_form, row_counts, snapshot

pytestmark = pytest.mark.django_db(transaction=True)


# Text fields of the record and of its inline rows that the test edits.
EDITABLE_TEXT = ("name", "title", "note", "summary", "description")


class DiskFull(Exception):
    """Stands for whatever can fail half-way: a lost connection, a full disk, a bug."""


def admins_with_inlines():
    """The curated models whose page has inline rows, the one with the most inlines first."""
    return sorted(
        (
            (model, model_admin)
            for model, model_admin in admin.site._registry.items()
            if model._meta.app_label == "programs" and model_admin.inlines
        ),
        key=lambda pair: (-len(pair[1].inlines), pair[0]._meta.model_name),
    )


@pytest.fixture
def owner_client(article):
    owner = get_user_model().objects.create_superuser("owner", password=secrets.token_urlsafe(16))
    client = Client()
    client.force_login(owner)
    return client


def edited_inline(model_admin):
    """The first inline of the page whose rows have text that the test edits."""
    return next(inline for inline in model_admin.inlines if set(inline.fields) & set(EDITABLE_TEXT))


def record_with_inline_rows(model, model_admin):
    """A record of `model` whose page shows rows in the inline the test edits, with text to edit."""
    inline = edited_inline(model_admin)
    fk = next(
        field
        for field in inline.model._meta.fields
        if field.is_relation
        and field.related_model is model
        and (not inline.fk_name or field.name == inline.fk_name)
    )
    with_text = Q()
    for name in set(inline.fields) & set(EDITABLE_TEXT):
        with_text |= ~Q(**{name: ""})
    owners = inline.model._default_manager.filter(with_text).values_list(fk.attname, flat=True)
    return model._default_manager.filter(pk__in=owners).order_by("pk").first()


def edited(data):
    """The form as read, with every text field of the record and its inline rows changed."""
    changed = dict(data)
    for name, values in data.items():
        if name.endswith(EDITABLE_TEXT) and values and values[0]:
            changed[name] = [values[0] + " (edited)"]
    return {**changed, "_save": ["Save"]}


def test_some_model_has_inlines():
    assert admins_with_inlines(), "no admin page with inline rows to test"


@pytest.mark.parametrize("failing", ["save_formset", "log_change"])
def test_an_exception_mid_save_leaves_the_database_as_it_was(owner_client, monkeypatch, failing):
    """The record is written, then its related rows (save_related → save_formset), then the
    admin's log entry: make each step fail after the ones before it have written."""
    model, model_admin = admins_with_inlines()[0]
    record = record_with_inline_rows(model, model_admin)
    assert record is not None, f"the article has no {model._meta.model_name} with inline rows"
    url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/{record.pk}/change/"
    data, _ = read_form(owner_client, url, model)
    post = edited(data)

    original = getattr(model_admin, failing)
    calls = []

    def write_then_fail(*args, **kwargs):
        original(*args, **kwargs)
        calls.append(failing)
        raise DiskFull(f"failed after {failing}")

    counts, before = row_counts(), snapshot(model, record.pk)
    inline_rows = snapshot(edited_inline(model_admin).model, None)
    monkeypatch.setattr(model_admin, failing, write_then_fail)
    with pytest.raises(DiskFull):
        owner_client.post(url, post)
    assert calls == [failing], "the save never reached the failing step: the form was refused"

    # Seen from another connection: nothing of the failed save was committed.
    connections.close_all()
    assert row_counts() == counts
    assert snapshot(model, record.pk) == before
    assert snapshot(edited_inline(model_admin).model, None) == inline_rows

    # And the same post, without the failure, does save: the failure was the only obstacle.
    monkeypatch.setattr(model_admin, failing, original)
    assert owner_client.post(url, post).status_code == 302
    assert snapshot(model, record.pk) != before
    assert snapshot(edited_inline(model_admin).model, None) != inline_rows
