"""People narrowed by the institutions they are affiliated with; every list's parameters reach it
through the page cache."""

import pytest
from django.urls import reverse

from programs.models import Affiliation, Person
from tests.dom import dom

pytestmark = pytest.mark.django_db


def names(response):
    [rows] = dom(response).find_all("ul", class_="record-list")
    return sorted(row.find_all("a")[0].text for row in rows.find_all("li"))


def test_people_are_narrowed_by_an_institution_they_are_affiliated_with(client, atlas):
    affiliation = Affiliation.objects.published().select_related("institution").first()
    institution = affiliation.institution
    expected = sorted(
        Person.objects.published()
        .filter(affiliations__in=Affiliation.objects.published().filter(institution=institution))
        .distinct()
        .values_list("name", flat=True)
    )
    everyone = client.get(reverse("programs:person_list"))
    facet = dom(everyone).find_all("a", href=f"?institution={institution.slug}")
    assert facet and institution.name in facet[0].text
    narrowed = client.get(reverse("programs:person_list"), {"institution": institution.slug})
    assert names(narrowed) == expected and len(expected) < len(names(everyone))
    download = client.get(reverse("programs:person_csv"), {"institution": institution.slug})
    rows = b"".join(download.streaming_content).decode("utf-8-sig")
    assert all(name in rows for name in expected) and len(rows.strip().splitlines()) == len(expected) + 1
    found = client.get(reverse("api:person_list"), {"institution": institution.slug}).json()
    assert sorted(person["name"] for person in found["results"]) == expected


@pytest.mark.parametrize(
    ("list_name", "params"),
    [
        ("programs:initiative_list", {"from": "1990", "to": "1999"}),
        ("programs:institution_list", {"kind": "university"}),
        ("programs:statistic_list", {"sort": "-value"}),
    ],
)
def test_a_cached_list_is_the_one_its_parameters_ask_for(client, atlas, list_name, params):
    plain = client.get(reverse(list_name)).content
    asked = client.get(reverse(list_name), params).content
    assert asked != plain  # the page cache kept the parameter, and the list applied it
