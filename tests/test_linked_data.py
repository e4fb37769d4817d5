"""Every detail page carries schema.org JSON-LD of its record, citing the sources it quotes."""

import json
import re

import pytest
from django.urls import reverse

from tests.atlas_data import SECRET

pytestmark = pytest.mark.django_db

PAGES = [
    ("initiative", "dartmouth-conference", "Project"),
    ("institution", "kettering-foundation", "Organization"),
    ("institution", "stanford", "CollegeOrUniversity"),
    ("person", "michael-mcfaul", "Person"),
    ("track", "track-ii", "DefinedTerm"),
    ("statistic", "dartmouth-meetings", "Dataset"),
    ("source", "iie-report", "Report"),
    ("topic", "nuclear-disarmament", "DefinedTerm"),
    ("country", "russia", "Country"),
    ("event", "2016-session", "Event"),
]


def linked_data(html):
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, flags=re.S)
    return json.loads(block)


@pytest.mark.parametrize(("name", "slug", "kind"), PAGES)
def test_each_detail_page_describes_its_record_in_schema_org(client, atlas, name, slug, kind):
    url = reverse(f"programs:{name}", args=[slug])
    html = client.get(url).content.decode()
    data = linked_data(html)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "ItemPage"
    record = data["mainEntity"]
    assert record["@type"] == kind
    assert record["@id"] == f"http://testserver{url}"
    assert record["name"]
    assert data["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert SECRET not in json.dumps(data).lower()  # no draft, nor a draft's passage


def test_the_sources_a_page_quotes_are_its_citation(client, article):
    html = client.get(reverse("programs:initiative", args=["dartmouth-conference"])).content.decode()
    data = linked_data(html)
    (cited,) = data["citation"]
    assert cited["@type"] == "AnalysisNewsArticle"
    assert cited["name"] == "U.S.-Russia relations are at a real low. Here’s the diplomacy that is working."
    assert cited["datePublished"] == "2016-11-05"
    assert "sameAs" not in cited  # the source gives no address: none is made up
    assert cited["@id"].endswith("/sources/washington-post-2016-11-05-us-russia-diplomacy-that-is-working/")
    assert data["mainEntity"]["foundingDate"] == "1960"
    assert {"@type": "Organization", "name": "Kettering Foundation"}.items() <= data["mainEntity"]["member"][
        0
    ].items()


def test_a_person_is_affiliated_and_a_source_authored(client, article):
    person = linked_data(client.get(reverse("programs:person", args=["michael-mcfaul"])).content.decode())
    assert person["mainEntity"]["@type"] == "Person"
    source = linked_data(
        client.get(
            reverse(
                "programs:source", args=["washington-post-2016-11-05-us-russia-diplomacy-that-is-working"]
            )
        ).content.decode()
    )["mainEntity"]
    assert [author["name"] for author in source["author"]] == ["Alyssa Haas", "Brittany Holom", "Yury Barmin"]
    assert source["publisher"]["name"] == "The Washington Post"


def test_json_ld_cannot_close_its_script_element(client, atlas):
    from programs.models import Initiative

    Initiative.objects.filter(slug="dartmouth-conference").update(
        summary="</script><script>alert(1)</script>"
    )
    html = client.get(reverse("programs:initiative", args=["dartmouth-conference"])).content.decode()
    assert linked_data(html)["mainEntity"]["description"] == "</script><script>alert(1)</script>"
