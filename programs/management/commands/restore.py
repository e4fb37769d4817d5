"""`manage.py restore PATH`: replace the database's content with a backup (`make restore`)."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from programs import backups, caching, maintenance
from programs.progress import shown


class Command(BaseCommand):
    help = (
        "Replace everything in the database with a backup written by `manage.py backup` (.jsonl, "
        ".jsonl.gz, or on PostgreSQL .dump). The whole file is checked against its manifest "
        "first, and refused, with the database untouched, if it is not complete. The restore "
        "runs in one transaction: if it fails, the database is left as it was. Meanwhile every "
        "page answers 503 (back soon)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="A backup file (.jsonl, .jsonl.gz or .dump).")
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive", help="Do not ask to confirm."
        )

    def handle(self, path, interactive=True, verbosity=1, **options):
        path = Path(path)
        if not path.is_file():
            raise CommandError(f"No backup file at {path}.")
        pg = backups.is_pg_dump(path)
        if not pg and not path.name.endswith((".jsonl", ".jsonl.gz")):
            raise CommandError(
                f"{path} is not a backup written by `manage.py backup` (.jsonl, .jsonl.gz or .dump)."
            )
        started = time.monotonic()
        progress = shown(self.stdout, verbosity)
        progress("checking the whole file", 0, 1)
        try:
            manifest = backups.verify_pg_dump(path) if pg else backups.verify_jsonl(path)
        except backups.Refused as refusal:
            raise CommandError(f"{refusal} Nothing was restored; the database is as it was.") from None
        progress("checking the whole file", 1, 1)
        records = sum(manifest["counts"].values())
        database = connection.settings_dict["NAME"]
        if interactive:
            answer = input(
                f"This replaces everything in the database {database} with {path} ({records:,} records). "
                "Type 'yes': "
            )
            if answer != "yes":
                raise CommandError("Restore cancelled.")
        try:
            with maintenance.restoring():
                if pg:
                    backups.restore_pg(path, manifest, progress)
                else:
                    with transaction.atomic():
                        backups.restore_jsonl(path, manifest, progress)
        except maintenance.AlreadyRunning as error:
            raise CommandError(f"{error} Nothing was restored.") from None
        except backups.CountsDiffer as error:
            if pg:  # found after pg_restore's commit
                raise CommandError(f"{error} The database holds what the dump holds.") from None
            raise CommandError(f"{error} Nothing was restored; the database is as it was.") from None
        except Exception as error:
            # One transaction (pg_restore --single-transaction too): it was rolled back.
            message = f"{path} could not be restored ({error}); the database is as it was."
            raise CommandError(message) from error
        finally:
            caching.new_generation()  # bulk writes send no signal; no page of before is served
        if verbosity:
            self.stdout.write(
                f"Restored {database} from {path}: {records:,} records in {time.monotonic() - started:.1f} s."
            )
