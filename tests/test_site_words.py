"""The words of a page agree with what the sources state: an unstated status is not a fact."""

import pytest
from django.urls import reverse

from programs.models import Initiative
from tests.dom import dom

pytestmark = pytest.mark.django_db


def test_a_status_the_sources_do_not_state_is_said_to_be_unstated(client, atlas):
    unstated = Initiative.objects.published().filter(status="unknown").order_by("name").first()
    stated = Initiative.objects.published().exclude(status="unknown").order_by("name").first()
    rows = {
        row.find_all("h3")[0].text: row.find_all("p", class_="meta")[0].text
        for row in dom(client.get(reverse("programs:initiative_list"), {"q": unstated.name})).find_all(
            "li", class_="result"
        )
    }
    assert rows[unstated.name].endswith("status not stated")
    assert "Unknown" not in rows[unstated.name]
    page = dom(client.get(unstated.get_absolute_url())).text
    assert "Not stated by the sources" in page and "Unknown" not in page
    shown = dom(client.get(reverse("programs:initiative_list"), {"q": stated.name})).text
    assert stated.get_status_display() in shown
