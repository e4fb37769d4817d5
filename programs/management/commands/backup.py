"""`manage.py backup [--output PATH]`: the whole knowledge base in one file (`make backup`)."""

import gzip
import sys
from datetime import UTC, datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from simple_history.models import HistoricalChanges

# Rebuilt by `migrate` (content types, permissions) or not part of the knowledge base (sessions,
# login-attempt records).
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "axes"]


def historical_models():
    return [model for model in apps.get_models() if issubclass(model, HistoricalChanges)]


def label(model):
    return f"{model._meta.app_label}.{model.__name__}"


def write_backup(stream, verbosity=0):
    """Every record, user, group, admin log entry and history row, as JSON Lines.

    Primary keys are kept, so that history rows still point at their records. References go by
    natural key (slug, user name, permission codename) so that the file loads into any database
    migrated to the same state. History rows are written with plain ids: they may refer to
    records deleted since, which have no natural key any more.
    """
    history = [label(model) for model in historical_models()]
    common = {"format": "jsonl", "stdout": stream, "verbosity": verbosity}
    call_command("dumpdata", exclude=EXCLUDED + history, natural_foreign=True, **common)
    call_command("dumpdata", *history, **common)


def open_for_writing(path, compressed):
    return gzip.open(path, "wt", encoding="utf-8") if compressed else path.open("w", encoding="utf-8")


class Command(BaseCommand):
    help = (
        "Write the whole knowledge base (records, history, users, groups, admin log) to a JSON "
        "Lines file, gzip-compressed if its name ends in .gz. `manage.py restore` reads it back."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            help="The file to write (default: backups/atlas-<UTC time>.jsonl under the project).",
        )

    def handle(self, *args, output=None, verbosity=1, **options):
        if output == "-":
            write_backup(sys.stdout)
            return
        if output:
            path = Path(output)
        else:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            path = Path(settings.BASE_DIR) / "backups" / f"atlas-{stamp}.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        with open_for_writing(partial, compressed=path.suffix == ".gz") as stream:
            write_backup(stream)
        partial.replace(path)  # a backup that stopped half-way never takes the real name
        if verbosity:
            self.stdout.write(f"Wrote {path}")
