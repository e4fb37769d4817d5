"""`manage.py backup [--output PATH] [--format jsonl|pg]`: the whole knowledge base in one file
(`make backup`). See programs/backups.py for the formats."""

import sys
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from programs import backups


class Command(BaseCommand):
    help = (
        "Write the whole knowledge base (records, history, users, groups, admin log) to a file "
        "that `manage.py restore` reads back: JSON Lines (gzip-compressed if the name ends in .gz) "
        "ending with a manifest, or on PostgreSQL a pg_dump custom-format file (.dump) with its "
        "manifest beside it (.dump.manifest)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            help="The file to write (default: backups/atlas-<UTC time>.jsonl, or .dump, under the project).",
        )
        parser.add_argument(
            "--format",
            choices=["jsonl", "pg"],
            help="jsonl (any database) or pg (pg_dump custom format). Default: pg for a name "
            "ending in .dump, else jsonl.",
        )

    def handle(self, *args, output=None, format=None, verbosity=1, **options):
        format = format or ("pg" if output and backups.is_pg_dump(output) else "jsonl")
        if format == "pg" and connection.vendor != "postgresql":
            raise CommandError(f"--format pg needs PostgreSQL; this database is {connection.vendor}.")
        if output == "-":
            if format == "pg":
                raise CommandError("A pg backup is written to a file, with its manifest beside it.")
            backups.write_jsonl(sys.stdout.buffer)
            return
        if output:
            path = Path(output)
            if (format == "pg") != backups.is_pg_dump(path):
                raise CommandError("The name of a pg backup ends in .dump, and only its name does.")
        else:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            suffix = "dump" if format == "pg" else "jsonl"
            path = Path(settings.BASE_DIR) / "backups" / f"atlas-{stamp}.{suffix}"
        path.parent.mkdir(parents=True, exist_ok=True)
        if format == "pg":
            try:
                counts = backups.write_pg_dump(path)
            except RuntimeError as error:
                raise CommandError(str(error)) from None
        else:
            counts = backups.write_jsonl_file(path)
        if verbosity:
            self.stdout.write(f"Wrote {path} ({sum(counts.values()):,} records).")
