"""Initiatives: the searchable, faceted list and the detail page (the CSV: views.downloads)."""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import render
from django.views.generic import ListView

from ..browse import FACETS, SORTS, Browse, CappedPaginator
from ..models import Initiative, Statistic, Track
from ..search import COUNT_CAP, near_matches, snippet_fields, with_headlines
from .common import INITIATIVE_ROW, RecordDetailView


def published_tracks():
    return Prefetch("tracks", queryset=Track.objects.published().only("slug", "name", "rank"))


class InitiativeListView(ListView):
    template_name = "programs/initiative_list.html"
    paginate_by = 20
    paginate_orphans = 3
    paginator_class = CappedPaginator
    reads = (*Browse.params(), "page")  # the query parameters it reads (programs.urls, the page cache)

    def get_queryset(self):
        self.browse = Browse.from_params(self.request.GET)
        results = self.browse.results
        quoted = snippet_fields(results) if self.browse.query else ()  # when Python quotes matches
        results = results.only(*INITIATIVE_ROW, *quoted).prefetch_related(published_tracks())
        return with_headlines(results, self.browse.query)

    def get_paginator(self, *args, **kwargs):
        return super().get_paginator(*args, counted=self.browse.count_at_most, **kwargs)

    def get_context_data(self, **kwargs):
        params = self.request.GET
        browse = self.browse
        context = super().get_context_data(
            browse=browse,
            facets=browse.facets(params),  # before super() pages: their statement counts the results
            active=browse.active(params),
            sorts=SORTS,
            years=browse.years,
            undated=browse.undated(),
            count_cap=COUNT_CAP,
            **kwargs,
        )
        context["query"] = near_matches(browse.query, context["object_list"])
        return context


def facet_values(request):
    """Every value of one facet (?facet=topic), with its count over the list's results narrowed
    by the other chosen filters: what the list shows of it is only the most frequent."""
    params = request.GET.copy()
    param = params.pop("facet", [""])[-1]
    facet = next((facet for facet in FACETS if facet.param == param and getattr(facet, "limit", 0)), None)
    if facet is None:
        raise Http404("The initiatives have no such facet, or the list shows all its values.")
    browse = Browse.from_params(params)
    params.pop("page", None)
    return render(
        request,
        "programs/facet_values.html",
        {
            "browse": browse,
            "facet": facet,
            "options": browse.every_value(params, facet),
            "active": browse.active(params),
            "back": params,
        },
    )


facet_values.reads = (*Browse.params(), "facet")


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
