from django.core.management.base import BaseCommand

from programs import summary
from programs.search_index import reindex


class Command(BaseCommand):
    help = (
        "Rebuild the stored search document of every record (programs.search.weights says what is "
        "in it): on PostgreSQL the weighted search vector, on SQLite the FTS5 tables; and the facet "
        "counts of the whole list (programs.summary). Safe to run at any time; run it after writes "
        "that send no signals (bulk loads, raw SQL)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default", help="The database to reindex.")

    def handle(self, *args, **options):
        count = reindex(using=options["database"])
        summary.rebuild(using=options["database"])
        if options["verbosity"]:
            self.stdout.write(f"Reindexed {count} records.")
