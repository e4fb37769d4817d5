"""The public pages. Every read starts from `.published()` (or `.visible_to(user)` on a detail
page, so that staff can preview drafts) and runs a fixed number of queries."""

from .downloads import initiative_csv, record_csv
from .home import home
from .initiatives import InitiativeDetailView, InitiativeListView
from .records import (
    CountryDetailView,
    CountryListView,
    EventDetailView,
    EventListView,
    InstitutionDetailView,
    InstitutionListView,
    PersonDetailView,
    PersonListView,
    SourceDetailView,
    SourceListView,
    StatisticDetailView,
    StatisticListView,
    TopicDetailView,
    TopicListView,
    TrackDetailView,
    TrackListView,
)
from .site_search import search

__all__ = [
    "CountryDetailView",
    "CountryListView",
    "EventDetailView",
    "EventListView",
    "InitiativeDetailView",
    "InitiativeListView",
    "InstitutionDetailView",
    "InstitutionListView",
    "PersonDetailView",
    "PersonListView",
    "SourceDetailView",
    "SourceListView",
    "StatisticDetailView",
    "StatisticListView",
    "TopicDetailView",
    "TopicListView",
    "TrackDetailView",
    "TrackListView",
    "home",
    "initiative_csv",
    "record_csv",
    "search",
]
