from django.urls import path

from diplomacy.limits import throttle

from . import views
from .caching import cached_page
from .views.common import public


def page(view):
    """A public page: read-only methods, from the page cache when it may be."""
    return public(cached_page(view))


def search_page(view):
    """A page that searches or counts over a table that grows with the data: what the page cache
    cannot answer is throttled per client (diplomacy.limits)."""
    return public(cached_page(throttle("search")(view)))


app_name = "programs"

urlpatterns = [
    path("", page(views.home), name="home"),
    path("search/", search_page(views.search), name="search"),
    path("initiatives/", search_page(views.InitiativeListView.as_view()), name="initiative_list"),
    path("initiatives.csv", public(views.initiative_csv), name="initiative_csv"),
    path("initiatives/<slug:slug>/", page(views.InitiativeDetailView.as_view()), name="initiative"),
    path("institutions/", search_page(views.InstitutionListView.as_view()), name="institution_list"),
    path("institutions/<slug:slug>/", page(views.InstitutionDetailView.as_view()), name="institution"),
    path("people/", search_page(views.PersonListView.as_view()), name="person_list"),
    path("people/<slug:slug>/", page(views.PersonDetailView.as_view()), name="person"),
    path("tracks/", page(views.TrackListView.as_view()), name="track_list"),
    path("tracks/<slug:slug>/", page(views.TrackDetailView.as_view()), name="track"),
    path("statistics/", search_page(views.StatisticListView.as_view()), name="statistic_list"),
    path("statistics/<slug:slug>/", page(views.StatisticDetailView.as_view()), name="statistic"),
    path("sources/", search_page(views.SourceListView.as_view()), name="source_list"),
    path("sources/<slug:slug>/", page(views.SourceDetailView.as_view()), name="source"),
    path("topics/", page(views.TopicListView.as_view()), name="topic_list"),
    path("topics/<slug:slug>/", page(views.TopicDetailView.as_view()), name="topic"),
    path("countries/", page(views.CountryListView.as_view()), name="country_list"),
    path("events/", search_page(views.EventListView.as_view()), name="event_list"),
    path("events/<slug:slug>/", page(views.EventDetailView.as_view()), name="event"),
    path("countries/<slug:slug>/", page(views.CountryDetailView.as_view()), name="country"),
]
