from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from programs.checks import coverage_of, problems


class Command(BaseCommand):
    help = (
        "Check the knowledge base: every fact a public page shows, and every link, is supported by "
        "a citation; every quoted passage occurs in its source's text (when given), where its "
        "position says. Names each unsupported statement and exits non-zero if there is any. With "
        "--source-text, also reports which sentences of the source no citation quotes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source-text",
            action="append",
            default=[],
            metavar="[SLUG=]PATH",
            help="The full text of a source, to check quoted passages against. A bare PATH is "
            "the text of every source; SLUG=PATH the text of one. May be repeated.",
        )

    def handle(self, *args, **options):
        texts = {}
        for spec in options["source_text"]:
            slug, _, path = spec.rpartition("=")
            try:
                texts[slug or None] = Path(path).read_text(encoding="utf-8")
            except OSError as error:
                raise CommandError(f"Cannot read source text {path}: {error.strerror}.") from error

        for title, report in coverage_of(texts):
            self.stdout.write(
                f"Coverage of {title}: {len(report.sentences) - len(report.unquoted)} of "
                f"{len(report.sentences)} sentences quoted ({report.share:.0%}). Not quoted yet:"
            )
            for sentence in report.unquoted:
                self.stdout.write(f"  - {sentence}")

        found = list(problems(texts))
        for problem in found:
            self.stderr.write(problem)
        if found:
            raise CommandError(f"{len(found)} problem(s) in the data.")
        self.stdout.write(self.style.SUCCESS("The data passes every check."))
