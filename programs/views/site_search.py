"""One search across every kind of record, results grouped by kind, matches highlighted."""

from django.http import QueryDict
from django.shortcuts import render
from django.urls import reverse

from .. import caching
from ..models import Country, Event, Initiative, Institution, Person, Source, Statistic, Topic, Track
from ..search import COUNT_CAP, count_at_most, near_matches, parse, snippet_fields, with_headlines
from .common import INITIATIVE_ROW

SHOWN = 5

KINDS = [
    (Initiative, "initiative_list"),
    (Event, "event_list"),
    (Institution, "institution_list"),
    (Person, "person_list"),
    (Track, "track_list"),
    (Statistic, "statistic_list"),
    (Source, "source_list"),
    (Topic, "topic_list"),
    (Country, "country_list"),
]


def matches(model, query):
    found = model.objects.published().search(query)
    if model is Initiative:
        return with_headlines(found.only(*INITIATIVE_ROW, *snippet_fields(found)), query)
    if model is Institution:
        return found.select_related("country")
    if model is Event:
        return found.select_related("initiative")
    return found


def found(query):
    """The groups of results of `query`, for the page and its JSON twin. Searching every kind of
    record is costly in a large knowledge base: kept until the data change."""
    return caching.cached("site-search", (query.text,), lambda: found_groups(query)) if query else []


def search(request):
    query = parse(request.GET.get("q", ""))  # read once, for every kind and every highlight
    groups = found(query)
    return render(
        request,
        "programs/search.html",
        {
            "query": near_matches(query, [row for group in groups for row in group["rows"]]),
            "groups": groups,
            "total": sum(group["count"] for group in groups),
            "hide_header_search": True,
        },
    )


search.reads = ("q",)  # the query parameter it reads (programs.urls, the page cache)


def found_groups(query):
    groups = []
    if query:
        params = QueryDict(mutable=True)
        params["q"] = query.text
        for model, list_name in KINDS:
            found = matches(model, query)
            rows = list(found[:SHOWN])
            count = len(rows) if len(rows) < SHOWN else count_at_most(found, COUNT_CAP + 1)
            if rows:
                groups.append(
                    {
                        "kind": model._meta.verbose_name,
                        "kinds": model._meta.verbose_name_plural,
                        "model_name": model._meta.model_name,
                        "rows": rows,
                        "count": count,
                        "capped": count > COUNT_CAP,
                        "more_url": f"{reverse(f'programs:{list_name}')}?{params.urlencode()}",
                    }
                )
    return groups
