"""Data releases: `manage.py release` (under `make release`) writes a Frictionless Data Package
that the frictionless validator accepts, the same data give the same bytes, /data/ lists the
releases with their dates, checksums and changes, and the About page says how to cite the Atlas."""

import csv
import hashlib
import io
import json

import pytest
from django.core.management import call_command
from frictionless import validate

from programs.models import Initiative, Topic
from programs.release import releases
from tests.atlas_data import SECRET

pytestmark = pytest.mark.django_db


@pytest.fixture
def releases_dir(settings, tmp_path):
    settings.ATLAS_RELEASES_DIR = tmp_path / "releases"
    return settings.ATLAS_RELEASES_DIR


def release(name=None):
    out = io.StringIO()
    call_command("release", *(["--name", name] if name else []), stdout=out)
    return out.getvalue()


def package(folder):
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def test_a_release_is_a_valid_data_package_with_a_codebook(article, releases_dir):
    said = release("2016.1")
    folder = releases_dir / "2016.1"
    assert "Wrote release 2016.1" in said
    report = validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["type", "message"])

    described = package(folder)
    assert described["version"] == "2016.1"
    assert described["licenses"][0]["name"] == "CC-BY-4.0"
    names = {resource["name"] for resource in described["resources"]}
    assert {"initiatives", "institutions", "people", "sources", "statistics", "citations"} <= names
    for resource in described["resources"]:
        content = (folder / resource["path"]).read_bytes()
        assert resource["hash"] == "sha256:" + hashlib.sha256(content).hexdigest()
        assert resource["bytes"] == len(content)
        header = next(csv.reader(io.StringIO(content.decode())))
        fields = resource["schema"]["fields"]
        assert header == [field["name"] for field in fields]
        for field in fields:
            assert field["description"], (resource["name"], field["name"])
    initiatives = next(r for r in described["resources"] if r["name"] == "initiatives")
    kind = next(f for f in initiatives["schema"]["fields"] if f["name"] == "kind")
    assert "conference_series" in kind["constraints"]["enum"]
    assert {"value": "conference_series", "label": "Conference series"} in kind["categories"]

    rows = list(csv.DictReader((folder / "initiatives.csv").open(encoding="utf-8")))
    dartmouth = next(row for row in rows if row["slug"] == "dartmouth-conference")
    assert dartmouth["start"] == "1960" and dartmouth["kind"] == "conference_series"
    sums = (folder / "SHA256SUMS").read_text().splitlines()
    digest = hashlib.sha256((folder / "datapackage.json").read_bytes()).hexdigest()
    assert f"{digest}  datapackage.json" in sums


def test_the_same_data_give_the_same_bytes(article, releases_dir):
    release("first")
    release("second")
    first, second = releases_dir / "first", releases_dir / "second"
    for path in first.iterdir():
        if path.suffix == ".csv":
            assert path.read_bytes() == (second / path.name).read_bytes(), path.name
    tables = {k: v for k, v in package(first).items() if k not in ("version", "changes")}
    assert tables == {k: v for k, v in package(second).items() if k not in ("version", "changes")}
    # Releasing unchanged data again under the same name writes nothing new.
    before = (first / "SHA256SUMS").read_bytes()
    assert "Unchanged" in release("first")
    assert (first / "SHA256SUMS").read_bytes() == before


def test_by_default_a_release_is_named_by_the_date_of_the_data(article, releases_dir):
    release()
    (found,) = releases()
    assert found.version == found.created[:10]
    assert "Unchanged" in release()
    Topic.objects.create(slug="a-new-topic", name="A new topic", is_published=True)
    release()
    assert [each.version for each in releases()][0] in (found.version + ".2", found.created[:10])


def test_a_release_holds_only_what_readers_may_see(atlas, releases_dir):
    release("public")
    folder = releases_dir / "public"
    assert validate(str(folder / "datapackage.json")).valid
    for path in folder.iterdir():
        assert SECRET not in path.read_text(encoding="utf-8").lower(), path.name


def test_data_lists_the_releases_with_dates_checksums_and_changes(client, article, releases_dir):
    assert "No release has been made yet" in client.get("/data/").content.decode()
    release("one")
    dartmouth = Initiative.objects.get(slug="dartmouth-conference")
    dartmouth.summary = "Changed."
    dartmouth.save()
    Initiative.objects.get(slug="fort-ross-dialogue").delete()
    Topic.objects.create(slug="a-new-topic", name="A new topic", is_published=True)
    release("two")
    changes = package(releases_dir / "two")["changes"]
    assert changes["since"] == "one"
    assert changes["changed"]["initiatives"] == 1
    assert changes["removed"]["initiatives"] == 1
    assert changes["added"]["topics"] == 1

    html = client.get("/data/").content.decode()
    assert html.index("Release two") < html.index("Release one")
    assert "Since release one" in html and "1 in topics" in html
    digest = hashlib.sha256((releases_dir / "two" / "initiatives.csv").read_bytes()).hexdigest()
    assert digest in html
    download = client.get("/data/two/initiatives.csv")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == (releases_dir / "two" / "initiatives.csv").read_bytes()
    assert client.get("/data/two/SHA256SUMS").status_code == 200
    for missing in ["/data/two/nothing.csv", "/data/three/initiatives.csv", "/data/two/..%2Fone"]:
        assert client.get(missing).status_code == 404, missing


def test_the_about_page_says_what_how_the_license_and_how_to_cite(client, article):
    html = client.get("/about/").content.decode()
    assert "source rule" in html
    assert "https://creativecommons.org/licenses/by/4.0/" in html
    assert "© The Washington Post" in html
    assert "remain under their authors' and publishers' rights" in html.replace("&#x27;", "'")
    for label in ("APA", "Chicago", "BibTeX", "RIS", "CSL-JSON"):
        assert f">{label}</label>" in html
    assert "@misc{track-ii-atlas," in html
    assert "Track II Atlas. (" in html
