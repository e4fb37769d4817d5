"""What the record pages share: the detail and list views, the Sources section, capped lists."""

from django.http import QueryDict
from django.urls import reverse
from django.views.generic import DetailView, ListView

from ..models import Citation, Initiative
from ..search import near_matches, parse

# A detail page lists at most this many linked initiatives, then links to the filtered list.
SHOWN = 50

# What a list row of an initiative needs; never the search document.
INITIATIVE_ROW = ("slug", "name", "kind", "start", "end", "status", "summary", "is_published")


def citations(condition):
    """The published passages matching `condition`, grouped by source (for `{% regroup %}`)."""
    return (
        Citation.objects.published()
        .filter(condition)
        .select_related(
            "source",
            "initiative_institution__institution",
            "initiative_institution__initiative",
            "initiative_person__person",
            "initiative_person__initiative",
            "affiliation__person",
            "affiliation__institution",
        )
        .order_by("source__title", "source_id", "id")
    )


def published_initiatives(condition):
    return Initiative.objects.published().filter(condition).only(*INITIATIVE_ROW).order_by("name")


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
    """A record by slug: published for readers, drafts too for staff (with a notice)."""

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user)

    def initiatives(self, condition, facet):
        """The published initiatives matching `condition`, capped, with a link to all of them."""
        rows, more = capped(published_initiatives(condition))
        return {
            "initiatives": rows,
            "more_initiatives": list_url("initiative_list", **{facet: self.object.slug}) if more else "",
        }


class RecordListView(ListView):
    """The published records of a kind, searchable with ?q=, 50 to a page."""

    paginate_by = 50
    paginate_orphans = 5
    template_name = "programs/record_list.html"

    def get_queryset(self):
        self.query = parse(self.request.GET.get("q", ""))  # read once, for the search and the page
        records = self.model.objects.published().search(self.query)
        # search() orders by relevance; otherwise the model's order, which a GROUP BY would drop.
        return records if self.query else records.order_by(*self.model._meta.ordering)

    def get_context_data(self, **kwargs):
        meta = self.model._meta
        context = super().get_context_data(
            kind=meta.verbose_name,
            kinds=meta.verbose_name_plural,
            row_template=f"programs/rows/{meta.model_name}.html",
            **kwargs,
        )
        context["query"] = near_matches(self.query, context["object_list"])
        return context
