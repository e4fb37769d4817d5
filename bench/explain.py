"""Print the query plan (EXPLAIN ANALYZE) of the initiatives search for a rare word, a phrase and
a common word, as the list page runs it (one page of results, best first), and exit non-zero
unless the selective ones use the GIN index of the stored search vector."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diplomacy.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from bench.pages import COMMON, PHRASE, RARE  # noqa: E402
from programs.models import Initiative  # noqa: E402


def gin_indexes():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexdef ILIKE %s",
            [Initiative._meta.db_table, "%USING gin%search_vector%"],
        )
        return [name for (name,) in cursor.fetchall()]


def main():
    if connection.vendor != "postgresql":
        sys.exit("The query plan is PostgreSQL's: set DATABASE_URL to the bench database.")
    indexes = gin_indexes()
    print(f"GIN indexes on the search vector: {', '.join(indexes) or 'none'}")
    failed = False
    for label, query, must_use_index in (
        ("rare word", RARE, True),
        ("phrase", PHRASE, True),
        ("common word", COMMON, False),
    ):
        page = Initiative.objects.published().search(query)[:20]
        plan = page.explain(analyze=True, buffers=True)
        used = [name for name in indexes if name in plan]
        print(f"\n--- EXPLAIN ANALYZE: search for {query} ({label})\n{plan}")
        print(f"=> uses the GIN index: {'yes (' + ', '.join(used) + ')' if used else 'no'}")
        if must_use_index and not used:
            failed = True
    if failed:
        sys.exit("FAIL: a selective search does not use the GIN index.")


if __name__ == "__main__":
    main()
