"""What the record pages share: the detail and list views, the Sources section, capped lists."""

from functools import wraps

from django.http import (
    Http404,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponsePermanentRedirect,
    QueryDict,
)
from django.urls import reverse
from django.views.generic import DetailView, ListView

from ..browse import Filters
from ..citing import latest_version
from ..provenance import Footnotes
from ..search import near_matches, parse
from ..sorting import readable
from .citing import citation_context

# A detail page lists at most this many linked initiatives, then links to the filtered list.
SHOWN = 50

# What a list row of an initiative needs; never the search document.
INITIATIVE_ROW = ("slug", "name", "kind", "start", "end", "status", "summary", "is_published")


def link_row(other):
    """What a link to an initiative shows of its two ends: the initiative's row, the other's name."""
    return (
        *(f"initiative__{f}" for f in INITIATIVE_ROW),
        *(f"{other}__{f}" for f in ("slug", "name", "is_published")),
    )


READ = ("GET", "HEAD")


def public(view):
    """A public page: read with GET and HEAD; OPTIONS says so without a body; anything else 405."""

    @wraps(view)
    def answer(request, *args, **kwargs):
        if request.method in READ:
            return view(request, *args, **kwargs)
        allowed = [*READ, "OPTIONS"]
        if request.method == "OPTIONS":
            response = HttpResponse(status=200)
            response["Allow"] = ", ".join(allowed)
            response["Content-Length"] = "0"
            return response
        return HttpResponseNotAllowed(allowed)

    return answer


def capped(queryset, limit=SHOWN):
    """The first `limit` rows and whether there are more, in one query."""
    rows = list(queryset[: limit + 1])
    return rows[:limit], len(rows) > limit


def list_url(name, **params):
    query = QueryDict(mutable=True)
    for key, value in params.items():
        query[key] = value
    return f"{reverse(f'programs:{name}')}?{query.urlencode()}"


class RecordDetailView(DetailView):
    """A record by slug: published for readers, drafts too for those who may change them (with a
    notice). `shown(context)` names what the page shows, whose passages make its footnotes.

    The JSON twin (programs.api) runs this same view with `previews_drafts=False`: a draft
    never appears there, whoever asks."""

    previews_drafts = True

    def get_queryset(self):
        if self.previews_drafts:
            return self.model.objects.visible_to(self.request.user)
        return self.model.objects.published()

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # A renamed record keeps its old address: a permanent redirect to the new one.
            moved = self.model.objects.visible_to(request.user).renamed_from(kwargs["slug"])
            if moved is None:
                raise
            return HttpResponsePermanentRedirect(moved.get_absolute_url())

    def shown(self, context):
        """The records and links the page states facts of, besides its own record."""
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["footnotes"] = Footnotes.of_records(self.object, *self.shown(context))
        context |= citation_context(self.request, self.object, latest_version(self.object), context)
        return context

    def linked_initiatives(self, links, facet):
        """The published links to initiatives (`links`), capped, with a link to all of them."""
        rows, more = capped(
            links.published()
            .select_related("initiative", facet)
            .only(*link_row(facet))
            .order_by("initiative__name")
        )
        return {
            "initiative_links": rows,
            "more_initiatives": list_url("initiative_list", **{facet: self.object.slug}) if more else "",
        }


class RecordListView(ListView):
    """The published records of a kind, searchable with ?q=, 50 to a page."""

    paginate_by = 50
    paginate_orphans = 5
    template_name = "programs/record_list.html"
    reads = ("q", "page")  # the query parameters it reads (programs.urls, the page cache)

    facets = ()  # programs.browse facets that narrow the list (institutions: kind, country)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # A list reads its facets' parameters too.
        cls.reads = (*cls.reads, *(facet.param for facet in cls.facets if facet.param not in cls.reads))

    def get_queryset(self):
        self.query = parse(self.request.GET.get("q", ""))  # read once, for the search and the page
        self.filters = Filters.of(self.facets, self.request.GET)
        self.searched = self.model.objects.published().search(self.query)
        records = self.filters.narrowed(self.searched)
        # search() orders by relevance; otherwise the model's order, which a GROUP BY would drop.
        # Names without regard to case: "CSIS" among the C's (programs.sorting).
        return records if self.query else records.order_by(*readable(self.model, *self.model._meta.ordering))

    def get_context_data(self, **kwargs):
        meta = self.model._meta
        if self.facets:
            kwargs["facets"] = self.filters.options(self.request.GET, self.searched)
            kwargs["active"] = self.filters.active(kwargs["facets"])
        context = super().get_context_data(
            kind=meta.verbose_name,
            kinds=meta.verbose_name_plural,
            row_template=f"programs/rows/{meta.model_name}.html",
            csv_url=reverse(f"programs:{meta.model_name}_csv"),
            json_url=reverse(f"api:{meta.model_name}_list"),
            **kwargs,
        )
        context["query"] = near_matches(self.query, context["object_list"])
        return context
