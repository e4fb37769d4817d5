"""The curators' admin: every model of the knowledge base, with history, drafts and CSV export."""

from django.contrib import admin

from . import records  # noqa: F401  (registers the model admins)

admin.site.site_header = "Track II Atlas: curation"
admin.site.site_title = "Track II Atlas curation"
admin.site.index_title = "The knowledge base"
