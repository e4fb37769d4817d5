"""Detail and list pages of institutions, people, tracks, statistics, sources, topics, countries
and events. Each detail view names what it shows (`shown`), from which its footnotes follow."""

from django.db.models import F, Q

from .. import charts
from ..browse import ChoiceFacet, ForeignKeyFacet, LinkFacet
from ..models import (
    Affiliation,
    Country,
    Event,
    InitiativeCountry,
    InitiativeInstitution,
    InitiativePerson,
    InitiativeTopic,
    InitiativeTrack,
    Institution,
    InstitutionKind,
    Person,
    Source,
    SourceKind,
    Statistic,
    Topic,
    Track,
)
from ..provenance import normalized
from ..sorting import column_sort, readable
from .common import RecordDetailView, RecordListView, capped, link_row, list_url

# ---------------------------------------------------------------------------------------------
# Institutions


class InstitutionDetailView(RecordDetailView):
    model = Institution

    def get_queryset(self):
        return super().get_queryset().select_related("country", "parent")

    def get_context_data(self, **kwargs):
        institution = self.object
        roles, more = capped(
            InitiativeInstitution.objects.published()
            .filter(institution=institution)
            .select_related("initiative", "institution")
            .only("role", "note", *link_row("institution"))
            .in_role_order(first=["initiative__name"])
        )
        statistics, more_statistics = capped(Statistic.objects.published().filter(reported_by=institution))
        return super().get_context_data(
            roles=roles,
            more_initiatives=list_url("initiative_list", institution=institution.slug) if more else "",
            statistics=statistics,
            more_statistics=list_url("statistic_list", reporter=institution.slug) if more_statistics else "",
            children=list(institution.children.published()),
            affiliations=list(
                Affiliation.objects.published()
                .filter(institution=institution)
                .select_related("person")
                .order_by("person__name", "start")
            ),
            published_sources=list(institution.published_sources.published()),
            **kwargs,
        )

    def shown(self, context):
        # The roles beyond the first SHOWN are quoted on their initiatives' pages.
        return [
            *context["roles"],
            *context["children"],  # the page cites each child's parent
            *context["affiliations"],
            *context["published_sources"],
            *context["statistics"],
        ]


class InstitutionListView(RecordListView):
    model = Institution
    facets = (
        ChoiceFacet("kind", "Kind", field="kind", choices=InstitutionKind),
        ForeignKeyFacet("country", "Country", "countries", field="country"),
    )

    def get_queryset(self):
        return super().get_queryset().select_related("country").with_initiative_count()


# ---------------------------------------------------------------------------------------------
# People


class PersonDetailView(RecordDetailView):
    model = Person

    def get_context_data(self, **kwargs):
        person = self.object
        roles, more = capped(
            InitiativePerson.objects.published()
            .filter(person=person)
            .select_related("initiative", "person")
            .only("role", "note", *link_row("person"))
            .in_role_order(first=["initiative__name"])
        )
        return super().get_context_data(
            roles=roles,
            more_roles=more,
            affiliations=list(
                Affiliation.objects.published()
                .filter(person=person)
                .select_related("institution")
                .order_by(F("start").asc(nulls_first=True), "institution__name")
            ),
            authored_sources=list(person.authored_sources.published()),
            coined_tracks=list(person.coined_tracks.published()),
            **kwargs,
        )

    def shown(self, context):
        return [
            *context["roles"],
            *context["affiliations"],
            *context["authored_sources"],
            *context["coined_tracks"],
        ]


class PersonListView(RecordListView):
    model = Person
    facets = (
        LinkFacet(
            "institution",
            "Affiliated with",
            "institutions",
            link=Affiliation,
            own="person",
            other="institution",
        ),
    )


# ---------------------------------------------------------------------------------------------
# Tracks


class TrackDetailView(RecordDetailView):
    model = Track

    def get_queryset(self):
        return super().get_queryset().select_related("coined_in")

    def get_context_data(self, **kwargs):
        track = self.object
        return super().get_context_data(
            coined_by=track.coined_by.published(),
            **self.linked_initiatives(InitiativeTrack.objects.filter(track=track), "track"),
            **kwargs,
        )

    def shown(self, context):
        return context["initiative_links"]


class TrackListView(RecordListView):
    model = Track

    def get_queryset(self):
        return super().get_queryset().with_initiative_count()


# ---------------------------------------------------------------------------------------------
# Statistics


class StatisticDetailView(RecordDetailView):
    model = Statistic

    def get_queryset(self):
        return super().get_queryset().with_attributions()


class StatisticListView(RecordListView):
    """The statistics as a table and a chart of the same rows, one chart per unit."""

    model = Statistic
    template_name = "programs/statistic_list.html"
    facets = (ForeignKeyFacet("reporter", "Reported by", "reporting bodies", field="reported_by"),)
    # The columns the table sorts by, ?sort=value or ?sort=-value: (heading, field).
    reads = (*RecordListView.reads, "sort")
    COLUMNS = {
        "measure": ("What is counted", "measure"),
        "value": ("Value, as stated", "value"),
        "unit": ("Unit", "unit"),
        "period": ("Period", "period_start"),
        "reporter": ("Reported by", "reported_by__name"),
    }

    def get_queryset(self):
        records = super().get_queryset().with_attributions()
        asked = self.request.GET.get("sort", "")
        self.sort, self.descending = column_sort(asked, self.COLUMNS, None if self.query else "measure")
        if self.sort is None:  # a search, in order of relevance
            return records
        field = self.COLUMNS[self.sort][1]
        return records.order_by(*readable(Statistic, f"-{field}" if self.descending else field))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["charts"] = charts.statistics_by_unit(context["object_list"])
        context["columns"] = self.columns()
        return context

    def columns(self):
        """[(heading, aria-sort or "", the query string that sorts by it)]: a column sorted
        ascending sorts descending when chosen again."""
        columns = []
        for key, (heading, _) in self.COLUMNS.items():
            params = self.request.GET.copy()
            params.pop("page", None)
            current = key == self.sort
            params["sort"] = f"-{key}" if current and not self.descending else key
            state = ("descending" if self.descending else "ascending") if current else ""
            columns.append((heading, state, params))
        return columns


# ---------------------------------------------------------------------------------------------
# Sources


class SourceDetailView(RecordDetailView):
    model = Source

    # A source's page lists the passages quoted from it; beyond this many, a note says so.
    QUOTED = 300

    def get_queryset(self):
        return super().get_queryset().select_related("publisher")

    def get_context_data(self, **kwargs):
        source = self.object
        return super().get_context_data(
            authors=list(source.authors.published()),
            statistics=list(Statistic.objects.published().filter(reported_in=source)),
            coined_tracks=list(source.coined_tracks.published()),
            **self.passages(source),
            **kwargs,
        )

    def passages(self, source):
        """The passages quoted from the source, once each, in the source's order, each with the
        published records it supports (both ends of a link)."""
        citations, more = capped(source.citations.in_source_order().with_subjects(), limit=self.QUOTED)
        passages = {}
        for citation in citations:
            records = citation.subject_records()
            if not records or not all(record.is_published for record in records):
                continue  # a draft, or a link to one
            supported = passages.setdefault(normalized(citation.passage), (citation.passage, {}))[1]
            for record in records:
                supported[record.get_absolute_url()] = record
        return {
            "passages": [(text, list(records.values())) for text, records in passages.values()],
            "more_passages": more,
        }

    def shown(self, context):
        return [*context["statistics"], *context["coined_tracks"]]


class SourceListView(RecordListView):
    model = Source
    facets = (ChoiceFacet("kind", "Kind", field="kind", choices=SourceKind),)

    def get_queryset(self):
        return super().get_queryset().select_related("publisher")


# ---------------------------------------------------------------------------------------------
# Topics, countries and events


class TopicDetailView(RecordDetailView):
    model = Topic

    def get_context_data(self, **kwargs):
        links = InitiativeTopic.objects.filter(topic=self.object)
        return super().get_context_data(**self.linked_initiatives(links, "topic"), **kwargs)

    def shown(self, context):
        return context["initiative_links"]


class TopicListView(RecordListView):
    model = Topic

    def get_queryset(self):
        return super().get_queryset().with_initiative_count()


class CountryDetailView(RecordDetailView):
    model = Country

    def get_context_data(self, **kwargs):
        country = self.object
        institutions, more_institutions = capped(country.institutions.published())
        links = InitiativeCountry.objects.filter(country=country)
        return super().get_context_data(
            institutions=institutions,
            more_institutions=more_institutions,
            statistics=list(
                Statistic.objects.published().filter(Q(from_country=country) | Q(to_country=country))
            ),
            **self.linked_initiatives(links, "country"),
            **kwargs,
        )

    def shown(self, context):
        return [*context["initiative_links"], *context["institutions"], *context["statistics"]]


class CountryListView(RecordListView):
    model = Country

    def get_queryset(self):
        return super().get_queryset().with_initiative_count()


class EventDetailView(RecordDetailView):
    model = Event

    def get_queryset(self):
        return super().get_queryset().select_related("initiative")

    def get_context_data(self, **kwargs):
        event = self.object
        return super().get_context_data(
            institutions=event.institutions.published(), people=event.people.published(), **kwargs
        )


class EventListView(RecordListView):
    model = Event

    def get_queryset(self):
        return super().get_queryset().select_related("initiative")
