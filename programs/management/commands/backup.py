"""`manage.py backup [--output PATH]`: the whole knowledge base in one file (`make backup`)."""

import gzip
import sys
from datetime import UTC, datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management.base import BaseCommand
from django.core.serializers.json import DjangoJSONEncoder
from simple_history.models import HistoricalChanges

# Rebuilt by `migrate` (content types, permissions) or not part of the knowledge base (sessions,
# login-attempt records).
EXCLUDED_APPS = {"contenttypes", "sessions", "axes"}
EXCLUDED_MODELS = {"auth.permission"}


class ExactJSONEncoder(DjangoJSONEncoder):
    """Times to the microsecond: Django's encoder keeps milliseconds only, so a backup of a
    backup would differ from the first."""

    def default(self, o):
        if isinstance(o, datetime):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return super().default(o)


def backed_up_models():
    """Every model to back up, those referred to by natural key before those that refer to them."""
    app_list = [(config, None) for config in apps.get_app_configs() if config.label not in EXCLUDED_APPS]
    return [
        model
        for model in serializers.sort_dependencies(app_list, allow_cycles=True)
        if model._meta.label_lower not in EXCLUDED_MODELS and not model._meta.proxy and model._meta.managed
    ]


def write_backup(stream):
    """Every record, user, group, admin log entry and history row, as JSON Lines.

    Primary keys are kept, so that history rows still point at their records. References go by
    natural key (slug, user name, permission codename) so that the file loads into any database
    migrated to the same state. History rows are written with plain ids: they may refer to
    records deleted since, which have no natural key any more.
    """
    for model in backed_up_models():
        serializers.serialize(
            "jsonl",
            model._default_manager.order_by(model._meta.pk.name).iterator(chunk_size=2000),
            stream=stream,
            use_natural_foreign_keys=not issubclass(model, HistoricalChanges),
            cls=ExactJSONEncoder,
        )


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
