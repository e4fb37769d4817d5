"""The public pages. Every read starts from `.published()` (or `.visible_to(user)` on a detail
page, so that staff can preview drafts) and runs a fixed number of queries."""

from .citing import RecordVersionView, cite_file
from .home import home
from .initiatives import InitiativeDetailView, InitiativeListView, initiative_csv
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
    "RecordVersionView",
    "SourceDetailView",
    "SourceListView",
    "StatisticDetailView",
    "StatisticListView",
    "TopicDetailView",
    "TopicListView",
    "TrackDetailView",
    "TrackListView",
    "cite_file",
    "home",
    "initiative_csv",
    "search",
]
