"""The published initiatives of the database the server uses (DATABASE_URL), exported to an
SQLite file for Datasette: `bench/datasette_export.py OUT.sqlite`.

One table, `initiatives`, of what the Atlas's list shows and searches (name, other names, kind,
status, start, end, summary, description, the names of its tracks, and the linked names its
search document holds), and an FTS5 index over the same text the Atlas searches
(`initiatives_fts`, external content, as `sqlite-utils enable-fts` makes it, so that Datasette
offers ?_search= on the table with its defaults).
"""

import os
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diplomacy.settings")

import django  # noqa: E402

django.setup()

from django.contrib.postgres.aggregates import StringAgg  # noqa: E402
from django.db.models import Q  # noqa: E402

from programs.models import Initiative  # noqa: E402

COLUMNS = [
    "slug",
    "name",
    "other_names",
    "kind",
    "status",
    "start",
    "end",
    "summary",
    "description",
    "tracks",
    "related_names",
]
SEARCHED = ["name", "other_names", "summary", "related_names", "description"]
# Statements made of the names above only, nothing read from the data.
QUOTED, TEXT = (", ".join(f'"{column}"' for column in names) for names in (COLUMNS, SEARCHED))
INSERT = f'INSERT INTO "initiatives" VALUES ({", ".join("?" * (len(COLUMNS) + 1))})'  # noqa: S608
INDEX = f'INSERT INTO "initiatives_fts" (rowid, {TEXT}) SELECT rowid, {TEXT} FROM "initiatives"'  # noqa: S608


def main(out):
    started = time.monotonic()
    out = Path(out)
    out.unlink(missing_ok=True)
    database = sqlite3.connect(out)
    database.execute(f'CREATE TABLE "initiatives" ("id" INTEGER PRIMARY KEY, {QUOTED})')
    rows = (
        Initiative.objects.published()
        .annotate(
            track_names=StringAgg(
                "tracks__name", ", ", filter=Q(tracks__is_published=True), ordering="tracks__rank"
            )
        )
        .order_by("pk")
        .values_list("pk", *COLUMNS[:-2], "track_names", "related_names")
    )
    count = 0
    batch = []
    for row in rows.iterator(chunk_size=5000):
        batch.append(row)
        if len(batch) == 5000:
            database.executemany(INSERT, batch)
            count, batch = count + len(batch), []
    database.executemany(INSERT, batch)
    count += len(batch)
    database.execute(f'CREATE VIRTUAL TABLE "initiatives_fts" USING FTS5 ({TEXT}, content="initiatives")')
    database.execute(INDEX)
    database.commit()
    database.execute("VACUUM")
    database.close()
    print(f"Exported {count} published initiatives to {out} in {time.monotonic() - started:.1f} s.")


if __name__ == "__main__":
    main(sys.argv[1])
