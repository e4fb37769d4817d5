"""How far a long job is: `progress(step, done, total)`, told by the job, shown by its command.

A job (synthesize, restore, release) takes a `progress` callable and calls it as each step
advances; a step ends at done == total. Commands pass `shown(self.stdout)`; others the default,
`silent`.
"""

import time

BAR_WIDTH = 30


def silent(step, done, total):
    pass


def shown(out, verbosity=1):
    """A `progress` that shows it on `out`: on a terminal a bar per step, redrawn in place;
    elsewhere (a log) a line at each tenth of a step and when it ends. Silent at verbosity 0."""
    if verbosity < 1:
        return silent
    started, said = {}, {}

    def progress(step, done, total):
        started.setdefault(step, time.monotonic())
        seconds = time.monotonic() - started[step]
        total = max(total, 1)
        count = f"{done:,}/{total:,}" if total > 1 else ("done" if done else "…")
        if out.isatty():
            filled = BAR_WIDTH * min(done, total) // total
            bar = "#" * filled + "." * (BAR_WIDTH - filled)
            out.write(
                f"\r{step:<26} [{bar}] {count:>21} {seconds:6.1f} s", ending="\n" if done >= total else ""
            )
            out.flush()
        elif done >= total or 10 * done // total > said.get(step, 0):
            said[step] = 10 * done // total
            out.write(f"{step}: {count} in {seconds:.1f} s")

    return progress
