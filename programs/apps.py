from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "programs"
    verbose_name = "Knowledge base"

    def ready(self):
        from . import caching, search_index

        search_index.connect()
        caching.connect()
