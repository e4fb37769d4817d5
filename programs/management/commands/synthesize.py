import time

from django.core.management.base import BaseCommand, CommandError

from programs import synthetic

BAR_WIDTH = 30


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
        progress = shown_progress(self.stdout) if options["verbosity"] > 0 else synthetic.no_progress
        counts = synthetic.synthesize(initiatives, seed=seed, progress=progress)
        if options["verbosity"] > 1:
            for label, rows in counts.items():
                self.stdout.write(f"  {label}: {rows:,}")
        self.stdout.write(
            f"Synthesized {initiatives:,} initiatives ({sum(counts.values()):,} rows, seed {seed}) "
            f"in {time.monotonic() - started:.1f} s."
        )


def shown_progress(out):
    """A `progress(step, done, total)` that shows it on `out`: on a terminal a bar per step,
    redrawn in place; elsewhere (a log) a line at each tenth of a step and when it ends."""
    started, shown = {}, {}

    def progress(step, done, total):
        started.setdefault(step, time.monotonic())
        seconds = time.monotonic() - started[step]
        count = f"{done:,}/{total:,}" if total > 1 else ("done" if done else "…")
        if out.isatty():
            filled = BAR_WIDTH * done // total
            bar = "#" * filled + "." * (BAR_WIDTH - filled)
            line = f"\r{step:<26} [{bar}] {count:>21} {seconds:6.1f} s"
            out.write(line, ending="\n" if done >= total else "")
            out.flush()
        elif done >= total or 10 * done // total > shown.get(step, 0):
            shown[step] = 10 * done // total
            out.write(f"{step}: {count} in {seconds:.1f} s")

    return progress
