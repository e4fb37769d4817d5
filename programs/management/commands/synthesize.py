import time

from django.core.management.base import BaseCommand, CommandError

from programs import synthetic
from programs.progress import shown


class Command(BaseCommand):
    help = (
        "Fill the database with a deterministic synthetic knowledge base of N initiatives (and the "
        "institutions, people, sources, statistics, join records and citations that go with them), "
        "replacing any synthetic records already there. Synthetic slugs start with 'syn-'; "
        "--remove deletes them all again. The article's records are never changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--initiatives", type=int, metavar="N", help="How many initiatives to make.")
        parser.add_argument("--seed", type=int, default=1, help="The same seed gives the same records.")
        parser.add_argument("--remove", action="store_true", help="Delete every synthetic record.")

    def handle(self, *args, initiatives, seed, remove, **options):
        started = time.monotonic()
        if remove:
            if initiatives is not None:
                raise CommandError("Give either --initiatives or --remove, not both.")
            deleted = synthetic.remove_and_tidy()
            self.stdout.write(f"Removed {deleted:,} synthetic rows in {time.monotonic() - started:.1f} s.")
            return
        if initiatives is None or initiatives < 1:
            raise CommandError("Give --initiatives N (N at least 1), or --remove.")
        progress = shown(self.stdout, options["verbosity"])
        counts = synthetic.synthesize(initiatives, seed=seed, progress=progress)
        if options["verbosity"] > 1:
            for label, rows in counts.items():
                self.stdout.write(f"  {label}: {rows:,}")
        self.stdout.write(
            f"Synthesized {initiatives:,} initiatives ({sum(counts.values()):,} rows, seed {seed}) "
            f"in {time.monotonic() - started:.1f} s."
        )
