from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from simple_history.utils import get_history_manager_for_model

from programs import summary
from programs.progress import shown

FIXTURE = "article"
REASON = "Loaded from the article fixtures"


class Command(BaseCommand):
    help = (
        "Load the source article's records (fixtures/article.json) and give every record that has "
        "no history yet its initial version. Running it again changes nothing."
    )

    def handle(self, *args, **options):
        progress = shown(self.stdout, options["verbosity"])
        with transaction.atomic():
            progress("records", 0, 1)
            call_command("loaddata", FIXTURE, verbosity=options["verbosity"])
            progress("records", 1, 1)
            progress("first versions", 0, 1)
            created = record_initial_history()
            progress("first versions", 1, 1)
            summary.rebuild()  # loaddata saves raw: the counts are not kept one by one
        if created:
            self.stdout.write(f"Recorded the initial version of {created} records.")


def record_initial_history():
    """Create a first history row for each record that has none.

    `loaddata` saves in raw mode, which django-simple-history skips, so records loaded from
    fixtures would otherwise have no history to diff or revert to. The first version is dated
    when it is loaded (the fixtures' `updated_at` is the article's date), one moment for the
    whole load, so that a record and its passages are of the same version.
    """
    loaded_at = timezone.now()
    created = 0
    for model in apps.get_app_config("programs").get_models():
        if not hasattr(model, "history"):
            continue
        history = get_history_manager_for_model(model)
        recorded = history.values("id")
        missing = list(model._default_manager.exclude(pk__in=recorded))
        if missing:
            history.bulk_history_create(missing, default_change_reason=REASON, default_date=loaded_at)
            created += len(missing)
    return created
