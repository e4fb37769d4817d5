"""The public pages. Every read starts from `.published()` (or `.visible_to(user)` on a detail
page, so that staff can preview drafts) and runs a fixed number of queries."""

from .about import about, data, release_file
from .citing import RecordVersionView, cite_file
from .downloads import initiative_csv, record_csv
from .home import home
from .initiatives import InitiativeDetailView, InitiativeListView, facet_values
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
    "facet_values",
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
    "about",
    "cite_file",
    "data",
    "home",
    "initiative_csv",
    "release_file",
    "record_csv",
    "search",
]
