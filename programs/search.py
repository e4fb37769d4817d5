"""Search: one entry point for the public pages and the admin alike.

A placeholder to be replaced by the full-text search of the public-site work: for now a
case-insensitive match on the record's name or title.
"""

from django.db.models import Q


def search(queryset, query):
    """The records of `queryset` that match the reader's `query`; all of them for an empty one."""
    query = (query or "").strip()
    if not query:
        return queryset
    field = "name" if any(f.name == "name" for f in queryset.model._meta.fields) else "title"
    return queryset.filter(Q(**{f"{field}__icontains": query}))
