from django.urls import path

from . import views
from .caching import cached_page

app_name = "programs"

urlpatterns = [
    path("", cached_page(views.home), name="home"),
    path("search/", cached_page(views.search), name="search"),
    path("initiatives/", cached_page(views.InitiativeListView.as_view()), name="initiative_list"),
    path("initiatives.csv", views.initiative_csv, name="initiative_csv"),
    path("initiatives/<slug:slug>/", cached_page(views.InitiativeDetailView.as_view()), name="initiative"),
    path("institutions/", cached_page(views.InstitutionListView.as_view()), name="institution_list"),
    path("institutions/<slug:slug>/", cached_page(views.InstitutionDetailView.as_view()), name="institution"),
    path("people/", cached_page(views.PersonListView.as_view()), name="person_list"),
    path("people/<slug:slug>/", cached_page(views.PersonDetailView.as_view()), name="person"),
    path("tracks/", cached_page(views.TrackListView.as_view()), name="track_list"),
    path("tracks/<slug:slug>/", cached_page(views.TrackDetailView.as_view()), name="track"),
    path("statistics/", cached_page(views.StatisticListView.as_view()), name="statistic_list"),
    path("statistics/<slug:slug>/", cached_page(views.StatisticDetailView.as_view()), name="statistic"),
    path("sources/", cached_page(views.SourceListView.as_view()), name="source_list"),
    path("sources/<slug:slug>/", cached_page(views.SourceDetailView.as_view()), name="source"),
    path("topics/", cached_page(views.TopicListView.as_view()), name="topic_list"),
    path("topics/<slug:slug>/", cached_page(views.TopicDetailView.as_view()), name="topic"),
    path("countries/", cached_page(views.CountryListView.as_view()), name="country_list"),
    path("events/", cached_page(views.EventListView.as_view()), name="event_list"),
    path("events/<slug:slug>/", cached_page(views.EventDetailView.as_view()), name="event"),
    path("countries/<slug:slug>/", cached_page(views.CountryDetailView.as_view()), name="country"),
]
