"""Search: the stored search document of initiatives.

`related_names` and `search_vector` on Initiative; on PostgreSQL only, the pg_trgm extension, a GIN
index on the vector, a trigram GIN index on the name (for near misses such as "Dartmuth") and a
partial index of the rows not indexed yet.
On SQLite the index operations do nothing and `search_vector` stays empty.
"""

import django.contrib.postgres.search
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

INDEXES = {
    "programs_initiative_search_vector_gin": "USING gin (search_vector)",
    "programs_initiative_name_trgm": "USING gin (name gin_trgm_ops)",
    # The few rows whose document is not built yet, searched word by word.
    "programs_initiative_unindexed": "(id) WHERE search_vector IS NULL",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, method in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON programs_initiative {method}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def build_documents(apps, schema_editor):
    # The documents are built by 0005_sqlite_fts, once every kind of record has a place for its
    # own (the index's code of today expects them all).
    pass


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0002_curator_group"),
    ]

    operations = [
        TrigramExtension(),
        migrations.AddField(
            model_name="initiative",
            name="related_names",
            field=models.TextField(
                blank=True,
                editable=False,
                serialize=False,
                help_text="Names of the published institutions, people and topics it links to, for search.",
            ),
        ),
        migrations.AddField(
            model_name="initiative",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False,
                help_text="Weighted full-text document (PostgreSQL only).",
                null=True,
                serialize=False,
            ),
        ),
        migrations.RunPython(create_indexes, drop_indexes),
        migrations.RunPython(build_documents, migrations.RunPython.noop),
    ]
