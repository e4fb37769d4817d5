"""Search: a stored document for every kind of record, on both databases.

PostgreSQL: a `search_vector` column on every record (the initiatives' exists since 0003) with a
GIN index; trigram indexes on the names of institutions and people, for near misses as on
initiatives; the partial index of initiatives not indexed yet goes (a record is indexed when it is
saved). SQLite: for every kind an FTS5 table `<table>_fts` (the document, stemmed by the porter
tokenizer) and `<table>_near` (its names, by the trigram tokenizer, for near misses); the
`search_vector` columns stay empty there. Then every document is built.
"""

import django.contrib.postgres.search
from django.db import migrations

TABLES = [
    "programs_country",
    "programs_event",
    "programs_initiative",
    "programs_institution",
    "programs_person",
    "programs_source",
    "programs_statistic",
    "programs_topic",
    "programs_track",
]
TRIGRAM_NAMES = ["programs_institution", "programs_person"]  # initiatives': 0003


def field():
    return django.contrib.postgres.search.SearchVectorField(
        editable=False,
        help_text="Weighted full-text document (PostgreSQL; SQLite keeps it in an FTS5 table).",
        null=True,
        serialize=False,
    )


def create(apps, schema_editor):
    execute = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        execute("DROP INDEX IF EXISTS programs_initiative_unindexed")
        for table in TABLES:
            if table != "programs_initiative":  # its GIN index is 0003's
                execute(f"CREATE INDEX IF NOT EXISTS {table}_search_vector_gin ON {table} USING gin (search_vector)")
        for table in TRIGRAM_NAMES:
            execute(f"CREATE INDEX IF NOT EXISTS {table}_name_trgm ON {table} USING gin (name gin_trgm_ops)")
    elif schema_editor.connection.vendor == "sqlite":
        for table in TABLES:
            execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {table}_fts USING fts5"
                "(a, b, c, tokenize = 'porter unicode61 remove_diacritics 2')"
            )
            execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {table}_near USING fts5(names, tokenize = 'trigram')")


def drop(apps, schema_editor):
    execute = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            if table != "programs_initiative":
                execute(f"DROP INDEX IF EXISTS {table}_search_vector_gin")
        for table in TRIGRAM_NAMES:
            execute(f"DROP INDEX IF EXISTS {table}_name_trgm")
        execute(
            "CREATE INDEX IF NOT EXISTS programs_initiative_unindexed ON programs_initiative (id) "
            "WHERE search_vector IS NULL"
        )
    elif schema_editor.connection.vendor == "sqlite":
        for table in TABLES:
            execute(f"DROP TABLE IF EXISTS {table}_fts")
            execute(f"DROP TABLE IF EXISTS {table}_near")


def build_documents(apps, schema_editor):
    from programs.search_index import reindex

    reindex(apps=apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0006_provenance"),
    ]

    operations = [
        *(
            migrations.AddField(model_name=model, name="search_vector", field=field())
            for model in ("country", "event", "institution", "person", "source", "statistic", "topic", "track")
        ),
        migrations.AlterField(model_name="initiative", name="search_vector", field=field()),
        migrations.RunPython(create, drop),
        migrations.RunPython(build_documents, migrations.RunPython.noop),
    ]
