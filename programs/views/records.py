"""Detail and list pages of institutions, people, tracks, statistics, sources, topics and countries."""

from django.db.models import Count, Q

from .. import charts
from ..browse import role_order
from ..models import (
    Affiliation,
    Citation,
    Country,
    InitiativeInstitution,
    InitiativePerson,
    Institution,
    Person,
    Source,
    Statistic,
    Topic,
    Track,
)
from .common import RecordDetailView, RecordListView, capped, citations, list_url


def published_initiative_count(path):
    """Count of the published initiatives reached through `path` (e.g. "initiatives")."""
    return Count(path, filter=Q(**{f"{path}__is_published": True}), distinct=True)


def statistics_shown():
    return Statistic.objects.published().select_related(
        "reported_by", "reported_in", "initiative", "from_country", "to_country"
    )


# ---------------------------------------------------------------------------------------------
# Institutions


class InstitutionDetailView(RecordDetailView):
    model = Institution

    def get_queryset(self):
        return super().get_queryset().select_related("country", "parent")

    def get_context_data(self, **kwargs):
        institution = self.object
        roles, more = capped(
            InitiativeInstitution.objects.filter(institution=institution, initiative__is_published=True)
            .select_related("initiative")
            .only(
                "role", "note", "initiative__slug", "initiative__name", "initiative__start", "initiative__end"
            )
            .order_by("initiative__name", role_order())
        )
        affiliations = list(
            Affiliation.objects.filter(institution=institution, person__is_published=True)
            .select_related("person")
            .order_by("person__name")
        )
        return super().get_context_data(
            roles=roles,
            more_initiatives=list_url("initiative_list", institution=institution.slug) if more else "",
            children=institution.children.published(),
            affiliations=affiliations,
            published_sources=institution.published_sources.published(),
            statistics=statistics_shown().filter(reported_by=institution),
            # The passages of what the page shows: the roles beyond the first SHOWN are quoted on
            # their initiatives' pages. By ids, so that each condition is one indexed column.
            citations=citations(
                Q(institution=institution)
                | Q(initiative_institution__in=[role.pk for role in roles])
                | Q(affiliation__in=[affiliation.pk for affiliation in affiliations])
            ),
            **kwargs,
        )


class InstitutionListView(RecordListView):
    model = Institution

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("country")
            .annotate(initiative_count=published_initiative_count("initiatives"))
        )


# ---------------------------------------------------------------------------------------------
# People


class PersonDetailView(RecordDetailView):
    model = Person

    def get_context_data(self, **kwargs):
        person = self.object
        roles, more = capped(
            InitiativePerson.objects.filter(person=person, initiative__is_published=True)
            .select_related("initiative")
            .only(
                "role", "note", "initiative__slug", "initiative__name", "initiative__start", "initiative__end"
            )
            .order_by("initiative__name", role_order())
        )
        affiliations = list(
            Affiliation.objects.filter(person=person, institution__is_published=True)
            .select_related("institution")
            .order_by("start", "institution__name")
        )
        return super().get_context_data(
            roles=roles,
            more_roles=more,
            affiliations=affiliations,
            authored_sources=person.authored_sources.published(),
            coined_tracks=person.coined_tracks.published(),
            # The passages of what the page shows, by ids (see InstitutionDetailView).
            citations=citations(
                Q(person=person)
                | Q(initiative_person__in=[role.pk for role in roles])
                | Q(affiliation__in=[affiliation.pk for affiliation in affiliations])
            ),
            **kwargs,
        )


class PersonListView(RecordListView):
    model = Person


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
            citations=citations(Q(track=track)),
            **self.initiatives(Q(tracks=track), "track"),
            **kwargs,
        )


class TrackListView(RecordListView):
    model = Track

    def get_queryset(self):
        return super().get_queryset().annotate(initiative_count=published_initiative_count("initiatives"))


# ---------------------------------------------------------------------------------------------
# Statistics


class StatisticDetailView(RecordDetailView):
    model = Statistic

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("reported_by", "reported_in", "initiative", "from_country", "to_country")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(citations=citations(Q(statistic=self.object)), **kwargs)


class StatisticListView(RecordListView):
    """The statistics as a table and a chart of the same rows, one chart per unit."""

    model = Statistic
    template_name = "programs/statistic_list.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("reported_by", "reported_in", "initiative", "from_country", "to_country")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["charts"] = charts.statistics_by_unit(context["object_list"])
        return context


# ---------------------------------------------------------------------------------------------
# Sources


class SourceDetailView(RecordDetailView):
    model = Source

    # What a quoted passage can be about, loaded with it to link to it.
    SUBJECTS = [
        *Citation.SUBJECTS,
        "initiative_institution__initiative",
        "initiative_institution__institution",
        "initiative_person__initiative",
        "initiative_person__person",
        "affiliation__person",
        "affiliation__institution",
    ]

    def get_queryset(self):
        return super().get_queryset().select_related("publisher")

    def get_context_data(self, **kwargs):
        source = self.object
        quoted, more = capped(
            source.citations.select_related(*self.SUBJECTS).order_by("id"),
            limit=200,
        )
        return super().get_context_data(
            authors=source.authors.published(),
            statistics=statistics_shown().filter(reported_in=source),
            coined_tracks=source.coined_tracks.published(),
            quoted=quoted,
            more_quoted=more,
            citations=citations(Q(cited_source=source)),
            **kwargs,
        )


class SourceListView(RecordListView):
    model = Source

    def get_queryset(self):
        return super().get_queryset().select_related("publisher")


# ---------------------------------------------------------------------------------------------
# Topics and countries


class TopicDetailView(RecordDetailView):
    model = Topic

    def get_context_data(self, **kwargs):
        topic = self.object
        return super().get_context_data(
            citations=citations(Q(topic=topic)),
            **self.initiatives(Q(topics=topic), "topic"),
            **kwargs,
        )


class TopicListView(RecordListView):
    model = Topic

    def get_queryset(self):
        return super().get_queryset().annotate(initiative_count=published_initiative_count("initiatives"))


class CountryDetailView(RecordDetailView):
    model = Country

    def get_context_data(self, **kwargs):
        country = self.object
        institutions, more_institutions = capped(country.institutions.published())
        return super().get_context_data(
            institutions=institutions,
            more_institutions=more_institutions,
            statistics=statistics_shown().filter(Q(from_country=country) | Q(to_country=country)),
            citations=citations(Q(country=country)),
            **self.initiatives(Q(countries=country), "country"),
            **kwargs,
        )


class CountryListView(RecordListView):
    model = Country

    def get_queryset(self):
        return super().get_queryset().annotate(initiative_count=published_initiative_count("initiatives"))
