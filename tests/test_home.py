import pytest
from django.urls import reverse

from programs.models import Initiative


@pytest.mark.django_db
def test_home_counts_what_the_knowledge_base_holds(client, article):
    Initiative.objects.create(slug="draft", name="A draft", kind="forum", summary="Not yet public.")
    published = Initiative.objects.published().count()
    response = client.get(reverse("programs:home"))
    assert response.status_code == 200
    assert response.context["counts"][0] == ("initiatives", published)
    assert f'<span class="count">{published}</span> initiatives' in response.content.decode()
    assert reverse("admin:index") in response.content.decode()
