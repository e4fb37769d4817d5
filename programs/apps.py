from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class ProgramsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "programs"
    verbose_name = "Knowledge base"

    def ready(self):
        from . import caching, search, search_index, summary

        search_index.connect()
        summary.connect()
        post_migrate.connect(summary.kept_from_the_start, sender=self)
        caching.connect()
        connection_created.connect(search.register_sqlite_functions)
