"""A curator's draft stays off every public page until it is published; staff can preview it."""

import csv
import io

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from programs.models import Initiative
from tests.admin_forms import add_row, admin_url, form_data
from tests.dom import dom

NAME = "Baikal Water Dialogue"


@pytest.fixture
def reader():
    return Client()


def public_pages(institution):
    """Every public place an initiative hosted by `institution` can show up in."""
    return [
        reverse("programs:home"),
        reverse("programs:initiative_list"),
        f"{reverse('programs:initiative_list')}?q=Baikal",
        f"{reverse('programs:search')}?q=Baikal",
        reverse("programs:institution", args=[institution.slug]),
    ]


def exported_names(client, query=""):
    response = client.get(reverse("programs:initiative_csv"), {"q": query} if query else {})
    text = b"".join(response.streaming_content).decode()
    return [row["name"] for row in csv.DictReader(io.StringIO(text))]


@pytest.fixture
def draft(curator_client, institution, source, django_capture_on_commit_callbacks):
    """An initiative a curator added in the admin, hosted by `institution`, with a citation."""
    data = form_data(curator_client.get(admin_url(Initiative, "add")))
    data.update(name=NAME, slug="baikal-water-dialogue", kind="dialogue", summary="Scientists meet.")
    add_row(data, "institution_roles", institution=institution.pk, role="host")
    data.update({"citations-0-source": source.pk, "citations-0-passage": "Scientists meet."})
    with django_capture_on_commit_callbacks(execute=True):
        assert curator_client.post(admin_url(Initiative, "add"), data).status_code == 302
    return Initiative.objects.get(name=NAME)


def home_counts(client):
    """{"initiatives": 3, …}: what the home page says the knowledge base holds."""
    listed = dom(client.get(reverse("programs:home"))).find("ul", class_="counts").find_all("a")
    return {name: int(count.replace(",", "")) for count, name in (link.text.split(" ", 1) for link in listed)}


def test_a_draft_stays_off_every_public_page_until_it_is_published(
    curator_client, reader, institution, draft, django_capture_on_commit_callbacks
):
    assert draft.is_published is False
    for url in public_pages(institution):
        response = reader.get(url)
        assert response.status_code == 200, url
        assert NAME not in response.text and draft.get_absolute_url() not in response.text, url
    assert NAME not in exported_names(reader) + exported_names(reader, "Baikal")
    assert reader.get(draft.get_absolute_url()).status_code == 404
    assert home_counts(reader)["initiatives"] == 0

    with django_capture_on_commit_callbacks(execute=True):
        curator_client.post(
            admin_url(Initiative), {"action": "publish", admin.helpers.ACTION_CHECKBOX_NAME: [draft.pk]}
        )

    for url in public_pages(institution)[1:]:  # the home page names only a few initiatives
        assert f'href="{draft.get_absolute_url()}"' in reader.get(url).text, url
    assert exported_names(reader, "Baikal") == [NAME]
    assert NAME in reader.get(draft.get_absolute_url()).text
    assert home_counts(reader)["initiatives"] == 1


def test_staff_preview_a_draft_on_its_public_page(curator_client, draft):
    preview = curator_client.get(draft.get_absolute_url())
    assert preview.status_code == 200
    assert "Draft — not public." in preview.text

    change_page = curator_client.get(admin_url(Initiative, "change", draft.pk))
    assert "Preview draft on site" in change_page.text
    listed = curator_client.get(admin_url(Initiative))
    assert f'<a href="{draft.get_absolute_url()}">preview draft</a>' in listed.text


def test_the_view_on_site_link_leads_to_the_public_page(curator_client, initiative):
    response = curator_client.get(admin_url(Initiative, "change", initiative.pk))
    assert "View on site" in response.text
    response = curator_client.get(dom(response).find("a", class_="viewsitelink").attr("href"))
    assert response.status_code == 302 and response["Location"].endswith(initiative.get_absolute_url())
    listed = curator_client.get(admin_url(Initiative))
    assert f'<a href="{initiative.get_absolute_url()}">view</a>' in listed.text
