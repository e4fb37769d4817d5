from django.apps import AppConfig
from django.db.backends.signals import connection_created


class ProgramsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "programs"
    verbose_name = "Knowledge base"

    def ready(self):
        from . import caching, search, search_index

        search_index.connect()
        caching.connect()
        connection_created.connect(search.register_sqlite_functions)
