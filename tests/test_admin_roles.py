"""Who may do what in the admin: curators edit the knowledge base and nothing else."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from programs.models import Topic
from tests.admin_forms import admin_url
from tests.test_admin import MODELS


def test_a_curator_may_add_change_delete_and_view_every_record(curator):
    for model in MODELS:
        for action in ("add", "change", "delete", "view"):
            assert curator.has_perm(f"programs.{action}_{model._meta.model_name}"), (action, model)


def test_a_curator_reads_history_and_may_not_rewrite_it(curator):
    for model in MODELS:
        historical = model.history.model._meta.model_name
        assert curator.has_perm(f"programs.view_{historical}")
        for action in ("add", "change", "delete"):
            assert not curator.has_perm(f"programs.{action}_{historical}")


def test_a_curator_may_not_touch_users_or_groups(curator, curator_client):
    permissions = curator.get_all_permissions()
    assert permissions and all(permission.startswith("programs.") for permission in permissions)
    for url in (
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_user_add"),
        reverse("admin:auth_user_change", args=[curator.pk]),
        reverse("admin:auth_group_changelist"),
        reverse("admin:auth_group_add"),
    ):
        assert curator_client.get(url).status_code == 403, url
    index = curator_client.get(reverse("admin:index"))
    assert "Knowledge base" in index.text
    assert "Groups" not in index.text and "Users" not in index.text


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.model_name)
def test_a_curator_opens_every_add_page(curator_client, model):
    assert curator_client.get(admin_url(model, "add")).status_code == 200


def test_a_curator_deletes_a_record(curator_client, curator, db):
    topic = Topic.objects.create(slug="space", name="Space")
    response = curator_client.post(admin_url(Topic, "delete", topic.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Topic.objects.exists()
    deleted = Topic.history.filter(id=topic.pk).first()
    assert (deleted.history_type, deleted.history_user) == ("-", curator)


def test_a_staff_user_outside_the_group_has_nothing_to_edit(client, db):
    client.force_login(User.objects.create_user("staff", is_staff=True))
    index = client.get(reverse("admin:index"))
    assert "You don’t have permission to view or edit anything." in index.text
    for model in MODELS:
        assert client.get(admin_url(model)).status_code == 403
        assert client.get(admin_url(model, "add")).status_code == 403


def test_anonymous_visitors_get_the_login_page(client, db):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={reverse('admin:index')}"
    response = client.get(admin_url(Topic))
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    login = client.get(reverse("admin:login"))
    assert login.status_code == 200 and 'name="password"' in login.text
