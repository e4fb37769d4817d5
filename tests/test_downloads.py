"""The CSV of every list: the whole current result set, in the list's order, with each record's
id, page and sources; UTF-8 that Excel reads; formula-safe; named for what it holds and when."""

import csv
import gzip
import io
from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from programs.models import Country, Event, Initiative, Institution, Person, Source, Statistic, Topic, Track
from tests.atlas_data import SECRET
from tests.dom import dom, records_listed

pytestmark = pytest.mark.django_db

KINDS = {
    "initiative": Initiative,
    "institution": Institution,
    "person": Person,
    "track": Track,
    "statistic": Statistic,
    "source": Source,
    "topic": Topic,
    "country": Country,
    "event": Event,
}


def download(client, name, params=""):
    response = client.get(reverse(f"programs:{name}_csv") + params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return response, b"".join(response.streaming_content)


def rows(client, name, params=""):
    _, body = download(client, name, params)
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def listed(client, name, params=""):
    """The addresses of every record the list shows, page after page (its "Next" links)."""
    addresses, url = [], reverse(f"programs:{name}_list") + params
    while url:
        response = client.get(url)
        assert response.status_code == 200, url
        addresses += records_listed(response)
        following = dom(response).find("a", rel="next")
        url = following and urljoin(url, following.attr("href"))
    return addresses


@pytest.mark.parametrize("name", KINDS)
@pytest.mark.parametrize("params", ["", "?q=russia", "?q=stanford", "?q=nothing-matches-this"])
def test_the_csv_holds_every_record_of_the_list_in_its_order(client, atlas, name, params):
    assert [urlsplit(row["url"]).path for row in rows(client, name, params)] == listed(client, name, params)


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("institution", "?kind=university"),
        ("institution", "?country=russia"),
        ("person", "?institution=stanford"),
        ("statistic", "?sort=-value"),
        ("source", "?kind=report"),
    ],
)
def test_a_narrowed_or_sorted_list_s_csv_is_its_own_whichever_is_asked_first(client, atlas, name, params):
    whole = rows(client, name)
    narrowed = rows(client, name, params)
    assert [urlsplit(row["url"]).path for row in narrowed] == listed(client, name, params)
    assert narrowed != whole  # the whole list's, kept, is not served for it
    assert rows(client, name) == whole


def test_a_whole_list_s_csv_is_a_file_made_once_per_generation(client, atlas, settings, tmp_path):
    settings.EXPORT_DIR = tmp_path
    first = download(client, "institution")[1]
    assert [path.name.split("-")[0] for path in tmp_path.glob("*.csv.gz")] == ["institution"]
    assert download(client, "institution")[1] == first
    institution = Institution.objects.get(slug="stanford")
    institution.name = "Stanford (renamed)"
    institution.save()
    assert b"Stanford (renamed)" in download(client, "institution")[1]


@pytest.mark.parametrize("name", ["initiative", "institution"])
def test_a_whole_list_s_file_is_sent_compressed_to_a_client_that_accepts_gzip(client, atlas, name):
    plain, text = download(client, name)
    assert "Content-Encoding" not in plain
    compressed = client.get(reverse(f"programs:{name}_csv"), headers={"Accept-Encoding": "gzip, deflate, br"})
    assert compressed["Content-Encoding"] == "gzip"
    assert compressed["Content-Disposition"] == plain["Content-Disposition"]
    body = b"".join(compressed.streaming_content)
    assert int(compressed["Content-Length"]) == len(body) < len(text)
    assert gzip.decompress(body) == text
    for response in (plain, compressed):  # a shared cache keeps the two apart
        assert "Accept-Encoding" in response["Vary"]


def test_the_csv_of_filtered_initiatives_holds_the_records_of_the_page(client, atlas):
    params = "?q=exchange&kind=exchange&country=russia&sort=start"
    assert [urlsplit(row["url"]).path for row in rows(client, "initiative", params)] == listed(
        client, "initiative", params
    )


@pytest.mark.parametrize("name", KINDS)
def test_each_row_starts_with_the_id_name_and_page_and_ends_with_the_sources(client, atlas, name):
    response, body = download(client, name)
    assert body.startswith(b"\xef\xbb\xbf")  # the byte order mark by which Excel reads UTF-8
    header = next(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert header[0] == "id" and header[2] == "url" and header[-1] == "sources"
    model = KINDS[name]
    for row in rows(client, name):
        record = model.objects.get(pk=row["id"])
        assert row["url"] == "http://testserver" + record.get_absolute_url()
        assert row[header[1]] == str(getattr(record, header[1]))


def test_the_sources_are_those_whose_passages_support_the_record(client, atlas):
    dartmouth = next(row for row in rows(client, "initiative") if row["name"] == "Dartmouth Conference")
    assert dartmouth["sources"] == "The diplomacy that is working"  # its own and its role's; not a draft's
    stanford = next(row for row in rows(client, "institution") if row["name"] == "Stanford University")
    assert stanford["sources"] == "The diplomacy that is working"
    report = next(row for row in rows(client, "source") if row["title"] == "Open Doors 2015")
    assert report["sources"] == "The diplomacy that is working"  # the article tells of the report


def test_the_columns_of_each_kind(client, atlas):
    russia = next(row for row in rows(client, "country") if row["name"] == "Russia")
    assert russia["other_names"] == "Soviet Union; USSR"
    track = next(row for row in rows(client, "track") if row["name"] == "Track II")
    assert track["coined_by"] == "Joseph V. Montville; William D. Davidson"
    assert track["initiatives"] == str(Initiative.objects.published().filter(tracks__slug="track-ii").count())
    statistic = next(
        row for row in rows(client, "statistic") if row["measure"] == "Meetings of the Dartmouth Conference"
    )
    assert (statistic["stated_value"], statistic["precision"], statistic["reported_by"]) == (
        "more than 130",
        "more than",
        "Kettering Foundation",
    )
    [event] = rows(client, "event")
    assert (event["initiative"], event["date"], event["institutions"]) == (
        "Dartmouth Conference",
        "2016-06",
        "Stanford University",
    )
    analysis = next(row for row in rows(client, "source") if row["title"] == "The diplomacy that is working")
    assert analysis["authors"] == "Brittany Holom"  # not the draft co-author


@pytest.mark.parametrize("name", KINDS)
def test_no_csv_holds_a_draft(client, atlas, name):
    for params in ("", "?q=secret", "?q=hidden"):
        _, body = download(client, name, params)
        assert SECRET not in body.decode("utf-8-sig").lower()


def test_no_cell_can_run_as_a_formula(client, atlas):
    Person.objects.filter(slug="michael-mcfaul").update(description='=HYPERLINK("http://x")')
    Topic.objects.filter(slug="space").update(description="@SUM(1)")
    person = next(row for row in rows(client, "person") if row["name"] == "Michael McFaul")
    assert person["description"] == '\'=HYPERLINK("http://x")'
    topic = next(row for row in rows(client, "topic") if row["name"] == "Space")
    assert topic["description"] == "'@SUM(1)"


def test_the_file_name_says_what_and_when(client, atlas):
    today = timezone.localdate().isoformat()
    response, _ = download(client, "initiative", "?track=track-ii")
    assert response["Content-Disposition"] == f'attachment; filename="initiatives-track-ii-{today}.csv"'
    response, _ = download(client, "initiative", "?q=Student exchange!&kind=exchange&track=no-such-track")
    assert f'filename="initiatives-student-exchange-exchange-{today}.csv"' in response["Content-Disposition"]
    response, _ = download(client, "person", "?q=rice")
    assert f'filename="people-rice-{today}.csv"' in response["Content-Disposition"]
    response, _ = download(client, "country")
    assert f'filename="countries-{today}.csv"' in response["Content-Disposition"]
    response, _ = download(client, "initiative", "?q=" + "word " * 40)
    name = response["Content-Disposition"].split('"')[1]
    assert len(name) < 100 and name.endswith(f"-{today}.csv")


def test_the_initiatives_csv_keeps_its_address(client, atlas):
    assert reverse("programs:initiative_csv") == "/initiatives.csv"
    for name in KINDS:
        plural = KINDS[name]._meta.verbose_name_plural
        assert reverse(f"programs:{name}_csv") == f"/{plural}.csv"
