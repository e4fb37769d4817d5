from django.core.management.base import BaseCommand, CommandError

from ... import release
from ...progress import shown


class Command(BaseCommand):
    help = (
        "Write a data release of the published knowledge base to releases/<version>/ (ATLAS_RELEASES_DIR): "
        "a Frictionless Data Package of one CSV per table, datapackage.json with each table's schema "
        "(the codebook) and checksums, then check it with the frictionless validator. The same data "
        "give the same bytes; releasing unchanged data again writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--name",
            dest="release_version",
            help="The release's name (default: the date of the data's last change, then .2, .3… "
            "if that name is taken by other data).",
        )
        parser.add_argument("--no-validate", action="store_true", help="Skip the frictionless validator.")

    def handle(self, *args, **options):
        try:
            progress = shown(self.stdout, options["verbosity"])
            written, new = release.write(options["release_version"], progress)
        except (ValueError, FileExistsError) as error:
            raise CommandError(error) from error
        if not options["no_validate"]:
            progress("validating", 0, 1)
            errors = release.validate(written)
            progress("validating", 1, 1)
            if errors:
                for error in errors[:20]:
                    self.stderr.write(f"{error.type}: {error.message}")
                raise CommandError(f"{written.path} is not a valid data package ({len(errors)} errors).")
        said = "Wrote" if new else "Unchanged:"
        self.stdout.write(f"{said} release {written.version} in {written.path}")
