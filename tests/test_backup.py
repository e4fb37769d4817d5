"""Nothing lost: `make backup` and `make restore` round-trip the whole knowledge base — records,
their history (rows of records deleted since included), users, groups and the admin's log — in
JSON Lines and, on PostgreSQL, in pg_dump's custom format; a file that is not whole (empty, cut
short, changed) is refused before the database is touched; a restore that cannot finish leaves
the database as it was; and while one runs, readers are told to come back soon."""

import gzip
import hashlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from pytest_django.asserts import assertContains

from programs import maintenance
from programs.models import Citation, Country, Initiative
from tests.hostile import row_counts

ROOT = Path(__file__).resolve().parent.parent
# Made by migrate or not part of the knowledge base: see programs/backups.py.
NOT_BACKED_UP = ("django_content_type", "auth_permission", "django_session", "axes_")

pytestmark = pytest.mark.django_db(transaction=True)


def knowledge_base_counts():
    return {table: n for table, n in row_counts().items() if not table.startswith(NOT_BACKED_UP)}


def search_documents_now():
    documents = dict(Initiative.objects.values_list("pk", "related_names"))
    assert any(documents.values())
    return documents


def backup(path):
    call_command("backup", output=str(path), verbosity=0)
    return path


def read(path):
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as stream:
        return stream.read()


def write(path, text):
    """`text` to `path`, gzip-compressed if its name ends in .gz."""
    data = text.encode()
    path.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)
    return path


def with_manifest(records):
    """Lines of records and the manifest that proves them, as programs/backups.py documents it."""
    text = "".join(line + "\n" for line in records)
    counts = Counter(json.loads(line)["model"] for line in records)
    manifest = {"format": "track-ii-atlas", "version": 2, "counts": counts, "sha256": sha256(text)}
    return text + json.dumps({"manifest": manifest}) + "\n"


def sha256(text):
    return hashlib.sha256(text.encode()).hexdigest()


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_dump's custom format is PostgreSQL's"
)


@pytest.fixture
def curated(article):
    """The article, then a curator's work: edits, a deletion, a group, the admin log."""
    curator = get_user_model().objects.create_user(
        "curator", password=secrets.token_urlsafe(16), is_staff=True
    )
    # The migration creates the group, but a transactional test starts from an emptied database.
    group, _ = Group.objects.get_or_create(name="Curator")
    group.permissions.add(*Permission.objects.filter(content_type__app_label="programs"))
    curator.groups.add(group)
    initiative = Initiative.objects.order_by("pk").first()
    initiative._history_user = curator
    initiative.summary += " (corrected)"
    initiative.save()
    LogEntry.objects.log_actions(curator.pk, [initiative], CHANGE, change_message="Corrected the summary.")
    # Deleting a record leaves history rows that point at it and at its cascaded citations:
    # they must survive a backup although the records they name are gone.
    doomed = Initiative.objects.order_by("-pk").first()
    doomed.delete()
    return curator


@pytest.mark.parametrize("name", ["atlas.jsonl", "atlas.jsonl.gz"])
def test_backup_then_restore_gives_back_the_same_knowledge_base(curated, tmp_path, name):
    counts = knowledge_base_counts()
    search_documents = search_documents_now()
    first = backup(tmp_path / name)
    assert Initiative.history.filter(history_type="-").exists()

    # Then things go wrong: records lost, others added by mistake.
    Citation.objects.all().delete()
    Initiative.objects.all().delete()
    Country.objects.create(slug="atlantis", name="Atlantis")
    get_user_model().objects.filter(username="curator").delete()

    call_command("restore", str(first), interactive=False, verbosity=0)
    assert knowledge_base_counts() == counts
    assert read(backup(tmp_path / f"again-{name}")) == read(first)
    curator = get_user_model().objects.get(username="curator")
    assert curator.check_password  # the user, with the same password hash
    assert list(curator.groups.values_list("name", flat=True)) == ["Curator"]
    assert Group.objects.get(name="Curator").permissions.exists()
    assert Initiative.history.filter(history_user=curator).exists()
    assert LogEntry.objects.filter(user=curator, change_message="Corrected the summary.").exists()
    assert not Country.objects.filter(slug="atlantis").exists()
    # The search documents, left out of the file, are built again.
    assert search_documents_now() == search_documents


class Unchanged:
    """What the database holds, to compare with after a refused or failed restore."""

    def __init__(self, tmp_path):
        self.tmp_path, self.counts = tmp_path, knowledge_base_counts()
        self.content = read(backup(tmp_path / "before.jsonl"))

    def check(self):
        assert knowledge_base_counts() == self.counts
        assert read(backup(self.tmp_path / "after.jsonl")) == self.content
        assert get_user_model().objects.filter(username="curator", groups__name="Curator").exists()


def restore_refused(path, message, tmp_path):
    """Restore `path`: it must be refused with `message`, and the database must stay as it was."""
    unchanged = Unchanged(tmp_path)
    with pytest.raises(CommandError, match=message) as refusal:
        call_command("restore", str(path), interactive=False, verbosity=0)
    assert "Nothing was restored; the database is as it was." in str(refusal.value)
    unchanged.check()


@pytest.mark.parametrize("name", ["empty.jsonl", "empty.jsonl.gz"])
def test_an_empty_file_is_refused_and_changes_nothing(curated, tmp_path, name):
    restore_refused(write(tmp_path / name, ""), "is empty", tmp_path)


@pytest.mark.parametrize("name", ["half.jsonl", "half.jsonl.gz"])
def test_half_a_backup_is_refused_and_changes_nothing(curated, tmp_path, name):
    """Cut at a line boundary: every line that is there is a whole record, the rest is missing."""
    lines = read(backup(tmp_path / "atlas.jsonl")).splitlines(keepends=True)
    half = write(tmp_path / name, "".join(lines[: len(lines) // 2]))
    restore_refused(half, "does not end with a manifest", tmp_path)


def test_a_backup_cut_anywhere_is_refused(curated, tmp_path):
    whole = backup(tmp_path / "atlas.jsonl.gz").read_bytes()
    text = read(tmp_path / "atlas.jsonl.gz")
    cut_gzip = tmp_path / "cut.jsonl.gz"
    cut_gzip.write_bytes(whole[: len(whole) - 100])
    restore_refused(cut_gzip, "cannot be read to its end", tmp_path)
    # The manifest line itself cut short.
    restore_refused(write(tmp_path / "cut.jsonl", text[:-20]), "does not end with a manifest", tmp_path)


def test_a_changed_backup_is_refused(curated, tmp_path):
    text = read(backup(tmp_path / "atlas.jsonl"))
    *records, manifest_line = text.splitlines()
    manifest = json.loads(manifest_line)

    # A record changed: the checksum no longer matches.
    changed = text.replace('"Curator"', '"Curators"', 1)
    restore_refused(write(tmp_path / "record.jsonl", changed), "checksum does not match", tmp_path)

    # A count changed.
    manifest["manifest"]["counts"]["programs.citation"] += 1
    miscounted = "".join(line + "\n" for line in records) + json.dumps(manifest) + "\n"
    restore_refused(write(tmp_path / "count.jsonl", miscounted), "programs.citation: ", tmp_path)

    # Records left out, and the checksum made again to match: the counts still tell.
    kept = "".join(line + "\n" for line in records if '"programs.initiative"' not in line)
    manifest = json.loads(manifest_line)
    manifest["manifest"]["sha256"] = sha256(kept)
    dropped = write(tmp_path / "dropped.jsonl", kept + json.dumps(manifest) + "\n")
    restore_refused(dropped, r"programs.initiative: 0 \(manifest: \d+\)", tmp_path)


def test_a_file_of_another_kind_is_refused(curated, tmp_path):
    """A fixture, or a backup written before backups had a manifest."""
    call_command("dumpdata", "programs.country", format="jsonl", output=str(tmp_path / "old.jsonl"))
    restore_refused(tmp_path / "old.jsonl", "does not end with a manifest", tmp_path)


def test_a_restore_that_fails_half_way_changes_nothing(curated, client, tmp_path):
    """A whole file, but a record this database cannot take: all of it is rolled back."""
    good = read(backup(tmp_path / "atlas.jsonl")).splitlines()[:-1]
    bad = '{"model": "programs.country", "pk": 999999, "fields": {"slug": "x", "name": null}}'
    broken = write(tmp_path / "broken.jsonl", with_manifest(good[: len(good) // 2] + [bad]))
    unchanged = Unchanged(tmp_path)
    with pytest.raises(CommandError, match="(?s)could not be restored .*; the database is as it was"):
        call_command("restore", str(broken), interactive=False, verbosity=0)
    unchanged.check()
    assert client.get("/").status_code == 200  # the "back soon" flag is down again


def test_a_backup_restores_beside_its_compressed_copy(curated, tmp_path):
    """`x.jsonl` and `x.jsonl.gz` in one folder: each restores, as itself."""
    compressed = backup(tmp_path / "atlas.jsonl.gz")
    plain = write(tmp_path / "atlas.jsonl", read(compressed))
    counts = knowledge_base_counts()
    for path in (plain, compressed):
        Initiative.objects.all().delete()
        call_command("restore", str(path), interactive=False, verbosity=0)
        assert knowledge_base_counts() == counts


def test_restore_refuses_a_missing_or_foreign_file(tmp_path):
    with pytest.raises(CommandError, match="No backup file"):
        call_command("restore", str(tmp_path / "nothing.jsonl"), interactive=False)
    other = tmp_path / "dump.json"
    other.write_text("[]")
    with pytest.raises(CommandError, match="not a backup"):
        call_command("restore", str(other), interactive=False)


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="the Makefile's targets run on SQLite files whatever the suite's database: its SQLite run has it",
)
def test_make_backup_and_make_restore(tmp_path):
    """The Makefile targets themselves, from one SQLite database into another. `make migrate`
    builds a new database once (migrating one takes seconds); the source and the target start
    as copies of it, and each target still runs its own migrate first."""
    source, target = tmp_path / "source.sqlite3", tmp_path / "target.sqlite3"
    file = tmp_path / "atlas.jsonl.gz"

    def make(*args, database, status=0):
        env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "MAKE"))}
        env["DATABASE_URL"] = f"sqlite:///{database}"
        result = subprocess.run(["make", *args], cwd=ROOT, env=env, capture_output=True, text=True)
        assert (result.returncode == 0) == (status == 0), result.stdout + result.stderr
        return result

    migrated = tmp_path / "migrated.sqlite3"
    make("migrate", database=migrated)
    shutil.copyfile(migrated, source)
    shutil.copyfile(migrated, target)
    make("load", database=source)
    make("backup", f"BACKUP={file}", database=source)
    make("restore", f"BACKUP={file}", database=target)
    again = tmp_path / "again.jsonl.gz"
    make("backup", f"BACKUP={again}", database=target)
    assert read(again) == read(file)
    assert '"model": "programs.historicalinitiative"' in read(file)

    # An empty file: refused, with a message and a failing exit status; the data stay.
    empty = write(tmp_path / "empty.jsonl", "")
    refused = make("restore", f"BACKUP={empty}", database=target, status=1)
    assert "is empty. Nothing was restored; the database is as it was." in refused.stderr
    assert "Restored" not in refused.stdout
    make("backup", f"BACKUP={again}", database=target)
    assert read(again) == read(file)


# ---------------------------------------------------------------------------------------------
# PostgreSQL's own format: pg_dump -Fc, one consistent snapshot, a manifest beside it


@postgresql_only
def test_a_pg_dump_then_restore_gives_back_the_same_knowledge_base(curated, tmp_path):
    counts = knowledge_base_counts()
    search_documents = search_documents_now()
    as_json = read(backup(tmp_path / "before.jsonl"))
    dump = backup(tmp_path / "atlas.dump")
    manifest = json.loads((tmp_path / "atlas.dump.manifest").read_text())
    assert manifest["counts"]["programs.initiative"] == Initiative.objects.count()

    Citation.objects.all().delete()
    Initiative.objects.all().delete()
    get_user_model().objects.filter(username="curator").delete()

    call_command("restore", str(dump), interactive=False, verbosity=0)
    assert knowledge_base_counts() == counts
    assert read(backup(tmp_path / "after.jsonl")) == as_json
    assert search_documents_now() == search_documents  # part of the dump
    assert get_user_model().objects.get(username="curator").groups.filter(name="Curator").exists()


@postgresql_only
def test_a_pg_dump_that_is_not_whole_is_refused(curated, tmp_path):
    dump = backup(tmp_path / "atlas.dump")
    manifest = tmp_path / "atlas.dump.manifest"
    data = dump.read_bytes()

    cut = tmp_path / "cut.dump"
    cut.write_bytes(data[: len(data) // 2])
    (tmp_path / "cut.dump.manifest").write_bytes(manifest.read_bytes())
    restore_refused(cut, "checksum does not match", tmp_path)

    lonely = tmp_path / "lonely.dump"
    lonely.write_bytes(data)
    restore_refused(lonely, "has no manifest", tmp_path)


# ---------------------------------------------------------------------------------------------
# While a restore runs


def test_readers_are_told_to_come_back_soon_while_a_restore_runs(
    article, client, django_assert_num_queries, tmp_path
):
    file = backup(tmp_path / "atlas.jsonl")
    assert client.get("/").status_code == 200
    with maintenance.restoring():
        for address in ("/", "/initiatives/", "/admin/"):
            with django_assert_num_queries(0):
                response = client.get(address)
            assertContains(response, "<h1>Back soon</h1>", status_code=503, html=True)
            assert int(response["Retry-After"]) > 0
            assert "no-store" in response["Cache-Control"]
        assert client.get("/healthz").status_code == 200
        with pytest.raises(CommandError, match="Another restore is running"):
            call_command("restore", str(file), interactive=False)
    assert client.get("/").status_code == 200


@postgresql_only
def test_a_reader_gets_a_quick_503_during_a_real_restore(curated, client, tmp_path):
    """`manage.py restore` in a process of its own, on this database; this one reads meanwhile."""
    file = backup(tmp_path / "atlas.jsonl")
    settings = connection.settings_dict
    url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    restore = subprocess.Popen(
        [sys.executable, "manage.py", "restore", "--noinput", str(file)],
        cwd=ROOT,
        env=env | {"DATABASE_URL": url},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    answers = []
    while restore.poll() is None:
        started = time.monotonic()
        response = client.get("/initiatives/")
        answers.append((response.status_code, time.monotonic() - started, response.get("Retry-After")))
        time.sleep(0.05)
    assert restore.returncode == 0, restore.stdout.read()
    assert {status for status, _, _ in answers} <= {200, 503}
    assert [retry for status, _, retry in answers if status == 503] and all(
        retry for status, _, retry in answers if status == 503
    )
    assert max(seconds for status, seconds, _ in answers if status == 503) < 0.5
    time.sleep(maintenance.CHECK_EVERY)  # each worker trusts its last look that long
    assert client.get("/initiatives/").status_code == 200
