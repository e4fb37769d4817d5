from django.core.management.base import BaseCommand

from programs.search_index import reindex


class Command(BaseCommand):
    help = (
        "Rebuild the search document of every initiative: the names of its published institutions, "
        "people and topics, and on PostgreSQL the weighted search vector. Safe to run at any time."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default", help="The database to reindex.")

    def handle(self, *args, **options):
        count = reindex(using=options["database"])
        if options["verbosity"]:
            self.stdout.write(f"Reindexed {count} initiatives.")
