"""Initiatives: the searchable, faceted list, its CSV export and the detail page."""

import csv

from django.db.models import Prefetch, Q
from django.http import Http404, StreamingHttpResponse
from django.views.generic import ListView

from ..browse import SORTS, Browse, CappedPaginator
from ..models import Country, Initiative, InitiativeInstitution, InitiativePerson, Statistic, Topic, Track
from ..search import uses_full_text, with_headlines
from .common import INITIATIVE_ROW, RecordDetailView, citations, role_order


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
        fields = INITIATIVE_ROW
        if self.browse.query and not uses_full_text(results):
            fields = (*fields, "description")  # highlighted in Python
        results = results.only(*fields).prefetch_related(published_tracks())
        return with_headlines(results, self.browse.query)

    def paginate_queryset(self, queryset, page_size):
        try:
            return super().paginate_queryset(queryset, page_size)
        except Http404:
            raise Http404("There is no such page of initiatives.") from None

    def get_context_data(self, **kwargs):
        params = self.request.GET
        browse = self.browse
        return super().get_context_data(
            browse=browse,
            query=browse.query,
            facets=browse.facets(params),
            active=browse.active(params),
            sorts=SORTS,
            **kwargs,
        )


CSV_COLUMNS = [
    "name",
    "url",
    "kind",
    "tracks",
    "start",
    "end",
    "status",
    "frequency",
    "places",
    "countries",
    "topics",
    "institutions",
    "people",
    "summary",
]


class Echo:
    """A file-like object whose write() hands the line back, for streaming csv.writer rows."""

    def write(self, value):
        return value


def spreadsheet_safe(value):
    """Text a spreadsheet will not run as a formula."""
    value = str(value)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def csv_rows(request, initiatives):
    yield CSV_COLUMNS
    for initiative in initiatives:
        yield [
            spreadsheet_safe(value)
            for value in (
                initiative.name,
                request.build_absolute_uri(initiative.get_absolute_url()),
                initiative.get_kind_display(),
                "; ".join(track.name for track in initiative.tracks.all()),
                initiative.start,
                initiative.end,
                initiative.get_status_display(),
                initiative.get_frequency_display(),
                initiative.places,
                "; ".join(country.name for country in initiative.countries.all()),
                "; ".join(topic.name for topic in initiative.topics.all()),
                "; ".join(
                    f"{role.institution.name} ({role.get_role_display().lower()})"
                    for role in initiative.institution_roles.all()
                ),
                "; ".join(
                    f"{role.person.name} ({role.get_role_display().lower()})"
                    for role in initiative.person_roles.all()
                ),
                initiative.summary,
            )
        ]


def initiative_csv(request):
    """Every initiative of the list's current result set (all pages), as CSV."""
    browse = Browse.from_params(request.GET)
    initiatives = (
        browse.results.defer("related_names", "search_vector", "description")
        .prefetch_related(
            published_tracks(),
            Prefetch("countries", queryset=Country.objects.published().only("slug", "name")),
            Prefetch("topics", queryset=Topic.objects.published().only("slug", "name")),
            Prefetch(
                "institution_roles",
                queryset=InitiativeInstitution.objects.filter(institution__is_published=True)
                .select_related("institution")
                .order_by(role_order(), "institution__name"),
            ),
            Prefetch(
                "person_roles",
                queryset=InitiativePerson.objects.filter(person__is_published=True)
                .select_related("person")
                .order_by(role_order(), "person__name"),
            ),
        )
        .iterator(chunk_size=2000)
    )
    writer = csv.writer(Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in csv_rows(request, initiatives)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="initiatives.csv"'
    return response


class InitiativeDetailView(RecordDetailView):
    model = Initiative

    def get_queryset(self):
        return super().get_queryset().defer("related_names", "search_vector")

    def get_context_data(self, **kwargs):
        initiative = self.object
        return super().get_context_data(
            tracks=initiative.tracks.published(),
            topics=initiative.topics.published(),
            countries=initiative.countries.published(),
            institution_roles=initiative.institution_roles.filter(institution__is_published=True)
            .select_related("institution")
            .order_by(role_order(), "institution__name"),
            person_roles=initiative.person_roles.filter(person__is_published=True)
            .select_related("person")
            .order_by(role_order(), "person__name"),
            statistics=Statistic.objects.published().filter(initiative=initiative),
            citations=citations(
                Q(initiative=initiative)
                | Q(
                    initiative_institution__initiative=initiative,
                    initiative_institution__institution__is_published=True,
                )
                | Q(initiative_person__initiative=initiative, initiative_person__person__is_published=True)
            ),
            **kwargs,
        )
