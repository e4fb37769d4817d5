"""The shapes the API answers with, besides each kind's rows and records (programs.api.kinds)."""

from ninja import Schema
from pydantic import Field

from .fields import Ref


class Citation(Schema):
    """A passage of a published source that supports a fact or a relationship."""

    source: Ref = Field(description="The source the passage is quoted from.")
    passage: str = Field(description="The supporting passage, verbatim.")
    note: str | None = Field(description="Why the passage supports it, when that is not obvious.")


class ParameterError(Schema):
    parameter: str
    message: str


class Error(Schema):
    detail: str = Field(description="What is wrong, in words.")
    errors: list[ParameterError] = Field(
        default=[], description="Each bad parameter and what is wrong with it."
    )


class Page(Schema):
    """One page of a list: what the list's page shows, with links to the pages around it."""

    total: int = Field(
        description="How many records the list holds, all pages together; with `capped`, at least this many."
    )
    capped: bool = Field(
        description="True when the list holds more than `total` records: large result sets are counted "
        "only up to a cap, as the list's page counts them (“more than 10,000”)."
    )
    page: int = Field(description="This page's number, from 1.")
    pages: int = Field(description="How many pages there are at this page size.")
    page_size: int = Field(description="Records per page (the last page may hold a few more).")
    next: str | None = Field(description="The JSON of the next page, or null on the last one.")
    previous: str | None = Field(description="The JSON of the previous page, or null on the first one.")
    page_url: str = Field(description="The list's page for people, with the same query.")
    csv_url: str = Field(description="The whole result set (every page) as CSV.")


class Option(Schema):
    value: str = Field(description="The parameter's value.")
    label: str
    count: int = Field(description="How many of the results it would keep, given the other facets.")
    selected: bool
    api_url: str = Field(description="This list's JSON with the option switched on or off.")


class Facet(Schema):
    parameter: str = Field(description="The query parameter; repeat it for several values (either of them).")
    label: str
    options: list[Option]
    more: bool = Field(
        default=False,
        description="Whether the facet has values beyond the most frequent shown here; "
        "`all_url` lists every one with its count.",
    )
    all_url: str | None = Field(default=None, description="The page of every value of this facet, or null.")
    estimated: bool = Field(
        default=False,
        description="Whether the counts are estimates, counted in a sample of the knowledge base and "
        "rounded to two significant figures: on PostgreSQL, when the initiatives the facet counts "
        "are more than 10,000.",
    )


class Years(Schema):
    from_year: int | None = Field(description="The first year asked for (`from`), or null.")
    to_year: int | None = Field(description="The last year asked for (`to`), or null.")
    undated: int = Field(
        description="How many initiatives matching everything but the years have no start date: "
        "never within a range of years, so left out when one is asked for (an estimate when the "
        "decades' counts are)."
    )
    out_of: int = Field(description="How many initiatives match everything but the years.")


class Count(Schema):
    kind: str = Field(description="The kind of record, plural.")
    count: int
    url: str = Field(description="The list's page.")
    api_url: str = Field(description="The list's JSON.")
    csv_url: str = Field(description="The list as CSV.")


class Named(Schema):
    slug: str
    name: str
    url: str
    api_url: str


class Year(Schema):
    year: int
    count: int = Field(description="Initiatives that started that year.")
    initiatives: list[Named] = Field(description="The first few of them.")
    events: list[Ref] = Field(description="What happened within initiatives that year.")


class TrackCount(Ref):
    initiative_count: int


class Home(Schema):
    """What the home page shows: what the knowledge base holds, the tracks, the timeline."""

    counts: list[Count]
    tracks: list[TrackCount]
    timeline: list[Year] = Field(description="Initiatives by start year.")
    origin: Ref | None = Field(description="The source the Atlas starts from.")
    openapi_url: str = Field(description="The OpenAPI document of this API.")
    docs_url: str = Field(description="How to use this API, for people.")


class SearchGroup(Schema):
    kind: str = Field(description="The kind of record, plural.")
    count: int = Field(description="How many match; with `capped`, at least this many.")
    capped: bool
    results: list[Ref] = Field(description="The best few matches.")
    api_url: str = Field(description="The JSON of the kind's list with the same search: every match.")


class Search(Schema):
    """One search across every kind of record, results grouped by kind."""

    query: str = Field(description="The search, as read (control characters dropped, cut short).")
    total: int
    groups: list[SearchGroup] = Field(description="Kinds with no match are left out.")
