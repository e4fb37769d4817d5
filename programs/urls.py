from django.urls import path

from . import views

app_name = "programs"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("initiatives/", views.InitiativeListView.as_view(), name="initiative_list"),
    path("initiatives.csv", views.initiative_csv, name="initiative_csv"),
    path("initiatives/<slug:slug>/", views.InitiativeDetailView.as_view(), name="initiative"),
    path("institutions/", views.InstitutionListView.as_view(), name="institution_list"),
    path("institutions/<slug:slug>/", views.InstitutionDetailView.as_view(), name="institution"),
    path("people/", views.PersonListView.as_view(), name="person_list"),
    path("people/<slug:slug>/", views.PersonDetailView.as_view(), name="person"),
    path("tracks/", views.TrackListView.as_view(), name="track_list"),
    path("tracks/<slug:slug>/", views.TrackDetailView.as_view(), name="track"),
    path("statistics/", views.StatisticListView.as_view(), name="statistic_list"),
    path("statistics/<slug:slug>/", views.StatisticDetailView.as_view(), name="statistic"),
    path("sources/", views.SourceListView.as_view(), name="source_list"),
    path("sources/<slug:slug>/", views.SourceDetailView.as_view(), name="source"),
    path("topics/", views.TopicListView.as_view(), name="topic_list"),
    path("topics/<slug:slug>/", views.TopicDetailView.as_view(), name="topic"),
    path("countries/", views.CountryListView.as_view(), name="country_list"),
    path("countries/<slug:slug>/", views.CountryDetailView.as_view(), name="country"),
]
