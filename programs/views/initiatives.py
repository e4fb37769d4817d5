"""Initiatives: the searchable, faceted list, its CSV export and the detail page."""

import csv
from itertools import chain, islice

from django.db.models import Prefetch
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from django.views.generic import ListView

from diplomacy.limits import throttle

from .. import caching, export
from ..browse import SORTS, Browse, CappedPaginator
from ..export import Echo, initiative_rows
from ..models import Initiative, Statistic, Track
from ..search import near_matches, snippet_fields, with_headlines
from .common import INITIATIVE_ROW, RecordDetailView


def published_tracks():
    return Prefetch("tracks", queryset=Track.objects.published().only("slug", "name", "rank"))


class InitiativeListView(ListView):
    template_name = "programs/initiative_list.html"
    paginate_by = 20
    paginate_orphans = 3
    paginator_class = CappedPaginator

    def get_queryset(self):
        self.browse = Browse.from_params(self.request.GET)
        results = self.browse.results
        quoted = snippet_fields(results) if self.browse.query else ()  # when Python quotes matches
        results = results.only(*INITIATIVE_ROW, *quoted).prefetch_related(published_tracks())
        return with_headlines(results, self.browse.query)

    def get_paginator(self, *args, **kwargs):
        paginator = super().get_paginator(*args, **kwargs)
        paginator.cache_key = self.browse.key
        return paginator

    def paginate_queryset(self, queryset, page_size):
        paginator, page, rows, is_paginated = super().paginate_queryset(queryset, page_size)
        # Which initiatives a page shows is kept until the data change: ranking every match of
        # a common word costs far more than loading twenty rows by id.
        parts = (self.browse.key, self.browse.sort, page.number)
        ids = caching.get("page", parts)
        if ids is None:
            page.object_list = list(page.object_list)
            caching.put("page", parts, [row.pk for row in page.object_list])
        else:
            by_id = {row.pk: row for row in queryset.filter(pk__in=ids).order_by()}
            page.object_list = [by_id[pk] for pk in ids if pk in by_id]
        return paginator, page, page.object_list, is_paginated

    def get_context_data(self, **kwargs):
        params = self.request.GET
        browse = self.browse
        context = super().get_context_data(
            browse=browse, facets=browse.facets(params), active=browse.active(params), sorts=SORTS, **kwargs
        )
        context["query"] = near_matches(browse.query, context["object_list"])
        return context


# An export up to this size is kept until the data change; a larger one is made each time.
CSV_KEPT_CHARACTERS = 2_000_000


def kept_if_small(lines, keep):
    """Yield `lines`; once they are all out, `keep` their text unless it is too large."""
    kept, size = [], 0
    for line in lines:
        if size <= CSV_KEPT_CHARACTERS:
            kept.append(line)
            size += len(line)
        yield line
    if size <= CSV_KEPT_CHARACTERS:
        keep("".join(kept))


def initiative_csv(request):
    """Every initiative of the list's current result set (all pages, same order), as CSV.

    The whole table (no query, no facet) is served from a file made once per generation of the
    data; a result set from the cache when it is small, else made afresh, which is throttled
    per client."""
    browse = Browse.from_params(request.GET)
    page = request.build_absolute_uri(reverse("programs:initiative", args=["__slug__"]))
    if not browse.query and not browse.selected:

        def write(file):
            csv.writer(file).writerows(initiative_rows(browse.results, url_maker(page)))

        kept = export.generation_file("initiatives", (browse.sort, page), write)
        if kept is not None:
            return FileResponse(kept, as_attachment=True, filename="initiatives.csv", content_type=CSV)
    parts = (browse.key, browse.sort, page)
    kept = caching.get("csv", parts)
    if kept is not None:
        return csv_response([kept])
    return result_set_csv(request, browse, page, parts)


@throttle("csv")
def result_set_csv(request, browse, page, parts):
    writer = csv.writer(Echo())
    rows = initiative_rows(browse.results, url_maker(page))
    lines = kept_if_small(
        (writer.writerow(row) for row in rows), lambda text: caching.put("csv", parts, text)
    )
    # The header and the first row before answering: a query cut off by the statement time-out
    # then answers the 503 page rather than a 200 that breaks off.
    first = list(islice(lines, 2))
    return csv_response(chain(first, lines))


CSV = "text/csv; charset=utf-8"


def csv_response(lines):
    response = StreamingHttpResponse(lines, content_type=CSV)
    response["Content-Disposition"] = 'attachment; filename="initiatives.csv"'
    return response


def url_maker(page):
    """`url_of(slug)` for the address `page` of an initiative whose slug is "__slug__"."""
    before, _, after = page.partition("__slug__")
    return lambda slug: f"{before}{slug}{after}"


class InitiativeDetailView(RecordDetailView):
    model = Initiative

    def get_queryset(self):
        return super().get_queryset().defer("related_names", "search_vector")

    def get_context_data(self, **kwargs):
        initiative = self.object
        return super().get_context_data(
            track_links=list(
                initiative.track_links.published().select_related("track").order_by("track__rank")
            ),
            topic_links=list(
                initiative.topic_links.published().select_related("topic").order_by("topic__name")
            ),
            country_links=list(
                initiative.country_links.published().select_related("country").order_by("country__name")
            ),
            institution_roles=list(
                initiative.institution_roles.published()
                .select_related("institution")
                .in_role_order("institution__name")
            ),
            person_roles=list(
                initiative.person_roles.published().select_related("person").in_role_order("person__name")
            ),
            statistics=list(Statistic.objects.published().filter(initiative=initiative)),
            events=list(initiative.events.published()),
            **kwargs,
        )

    def shown(self, context):
        names = ("track_links", "topic_links", "country_links", "institution_roles", "person_roles")
        return [link for name in names for link in context[name]] + context["statistics"] + context["events"]
