"""`manage.py restore PATH`: replace the database's content with a backup (`make restore`)."""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction


class Command(BaseCommand):
    help = (
        "Replace everything in the database with the content of a file written by "
        "`manage.py backup`. All of it happens in one transaction: if the file cannot be "
        "loaded, the database is left as it was."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="A backup file (.jsonl or .jsonl.gz).")
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive", help="Do not ask to confirm."
        )

    def handle(self, path, interactive=True, verbosity=1, **options):
        path = Path(path)
        if not path.is_file():
            raise CommandError(f"No backup file at {path}.")
        if not path.name.endswith((".jsonl", ".jsonl.gz")):
            raise CommandError(f"{path} is not a backup written by `manage.py backup` (.jsonl or .jsonl.gz).")
        database = connections[DEFAULT_DB_ALIAS].settings_dict["NAME"]
        if interactive:
            answer = input(f"This replaces everything in the database {database} with {path}. Type 'yes': ")
            if answer != "yes":
                raise CommandError("Restore cancelled.")
        with transaction.atomic():
            # flush empties every table, then recreates content types and permissions.
            call_command("flush", interactive=False, verbosity=0)
            call_command("loaddata", str(path), verbosity=verbosity)
            # The search documents are derived data, left out of backups: build them again.
            call_command("reindex", verbosity=0)
        if verbosity:
            self.stdout.write(f"Restored {database} from {path}.")
