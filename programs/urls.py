from django.urls import path, register_converter

from diplomacy.limits import throttle

from . import views
from .caching import cached_page
from .citing import CitedKind
from .views.common import public


class CiteFile:
    """The extension of a citation file: bib, ris or json (programs.citing.FILES)."""

    regex = "bib|ris|json"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


def reads(view):
    """The query parameters a view reads: its `reads` (a class's, for a class-based view), none
    when it names none. The page cache keys on these alone and gives the view only these."""
    return tuple(getattr(getattr(view, "view_class", view), "reads", ()))


def page(view):
    """A public page: read-only methods, from the page cache when it may be."""
    return public(cached_page(view, reads=reads(view)))


def search_page(view):
    """A page that searches or counts over a table that grows with the data: what the page cache
    cannot answer is throttled per client (diplomacy.limits)."""
    return public(cached_page(throttle("search")(view), reads=reads(view)))


app_name = "programs"

urlpatterns = [
    path("", page(views.home), name="home"),
    path("search/", search_page(views.search), name="search"),
    path("initiatives/", search_page(views.InitiativeListView.as_view()), name="initiative_list"),
    path("initiatives.csv", public(views.initiative_csv), name="initiative_csv"),
    path("initiatives/every/", search_page(views.facet_values), name="initiative_facet"),
    path("initiatives/<slug:slug>/", page(views.InitiativeDetailView.as_view()), name="initiative"),
    path("institutions/", search_page(views.InstitutionListView.as_view()), name="institution_list"),
    path("institutions.csv", public(views.record_csv(views.InstitutionListView)), name="institution_csv"),
    path("institutions/<slug:slug>/", page(views.InstitutionDetailView.as_view()), name="institution"),
    path("people/", search_page(views.PersonListView.as_view()), name="person_list"),
    path("people.csv", public(views.record_csv(views.PersonListView)), name="person_csv"),
    path("people/<slug:slug>/", page(views.PersonDetailView.as_view()), name="person"),
    path("tracks/", page(views.TrackListView.as_view()), name="track_list"),
    path("tracks.csv", public(views.record_csv(views.TrackListView)), name="track_csv"),
    path("tracks/<slug:slug>/", page(views.TrackDetailView.as_view()), name="track"),
    path("statistics/", search_page(views.StatisticListView.as_view()), name="statistic_list"),
    path("statistics.csv", public(views.record_csv(views.StatisticListView)), name="statistic_csv"),
    path("statistics/<slug:slug>/", page(views.StatisticDetailView.as_view()), name="statistic"),
    path("sources/", search_page(views.SourceListView.as_view()), name="source_list"),
    path("sources.csv", public(views.record_csv(views.SourceListView)), name="source_csv"),
    path("sources/<slug:slug>/", page(views.SourceDetailView.as_view()), name="source"),
    path("topics/", page(views.TopicListView.as_view()), name="topic_list"),
    path("topics.csv", public(views.record_csv(views.TopicListView)), name="topic_csv"),
    path("topics/<slug:slug>/", page(views.TopicDetailView.as_view()), name="topic"),
    path("countries/", page(views.CountryListView.as_view()), name="country_list"),
    path("countries.csv", public(views.record_csv(views.CountryListView)), name="country_csv"),
    path("events/", search_page(views.EventListView.as_view()), name="event_list"),
    path("events.csv", public(views.record_csv(views.EventListView)), name="event_csv"),
    path("events/<slug:slug>/", page(views.EventDetailView.as_view()), name="event"),
    path("countries/<slug:slug>/", page(views.CountryDetailView.as_view()), name="country"),
    # About the Atlas and its data releases (programs.views.about).
    path("about/", page(views.about), name="about"),
    path("data/", public(views.data), name="data"),
    path("data/<str:version>/<str:name>", public(views.release_file), name="release_file"),
]

# Every record's versions and citation files, whatever its kind (programs.views.citing):
# /initiatives/<slug>/versions/<n>/, /initiatives/<slug>/cite.bib, …/versions/<n>/cite.ris.
register_converter(CitedKind, "cited")
register_converter(CiteFile, "citefile")
urlpatterns += [
    path(
        "<cited:model>/<slug:slug>/versions/<int:version>/",
        page(views.RecordVersionView.as_view()),
        name="record_version",
    ),
    path(
        "<cited:model>/<slug:slug>/versions/<int:version>/cite.<citefile:extension>",
        public(views.cite_file),
        name="record_version_cite",
    ),
    path("<cited:model>/<slug:slug>/cite.<citefile:extension>", public(views.cite_file), name="record_cite"),
]
