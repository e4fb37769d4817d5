"""Browsing initiatives: a search query, facets and a sort read from a query string.

The initiatives list and its CSV export read the same query string through `Browse`, so the
export holds exactly the list's result set. Within one facet several values are alternatives
(track=track-i&track=track-ii); different facets narrow each other. A facet's counts are taken
over the results narrowed by the query and every *other* facet, so choosing a value does not hide
its alternatives. Unknown values and sort keys are ignored.
"""

import re
from dataclasses import dataclass, field
from functools import cached_property, reduce
from operator import or_

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import Concat, Left, Lower
from django.db.models.lookups import LessThanOrEqual

from .models import FacetCount, Initiative, InitiativeKind, InitiativeStatus
from .search import COUNT_CAP, Query, count_at_most, parse
from .sorting import readable

MAX_VALUES = 20  # values of one facet read from a query string
# "Show all" lists at most this many values of a facet, the most frequent (a hub's common word
# links to 24,000 institutions at 100,000 initiatives: a page of 3 s to render, too long to read).
EVERY_VALUE_AT_MOST = 1_000
# Past COUNT_CAP results (on PostgreSQL), the facets count a sample of the table's pages
# (TABLESAMPLE SYSTEM) of about this many rows, and show the counts as estimates: counting every
# match of a common word takes 0.55 s at 100,000 initiatives, a sample of 5% of them 43 ms.
SAMPLED_ROWS = 5_000
MAX_PAGE = 10**7  # past it a page number is only checked against the count (a 404)


@dataclass
class Option:
    value: str
    label: str
    count: int
    selected: bool
    params: object = None  # the query string that toggles this option


class Options(list):
    """A facet's options; `more` when it has values the list does not show (see every_value),
    `estimated` when their counts are estimates (Browse.groups)."""

    more = estimated = False


@dataclass
class Facet:
    param: str
    label: str
    plural: str = ""  # "topics": for "Show all 34 topics"

    def clean(self, values):
        return values

    def condition(self, values):
        raise NotImplementedError

    def counts(self, results, selected):
        """[(value, label, count)] over `results`."""
        raise NotImplementedError

    def skips(self):
        """What its counts are not narrowed by: its own values, so that choosing one does not
        hide its alternatives."""
        return {self.param}

    def grouped(self, where, selected):
        """(SQL, params): this facet's rows (value, label, position, n) over the initiatives of
        `hits` (Browse.groups) for which the SQL condition `where` holds; `selected`: its chosen
        values."""
        raise NotImplementedError

    def tallied(self, rows, selected):
        """[(value, label, count)] from the rows of grouped()."""
        raise NotImplementedError

    def shown(self, rows, selected):
        return rows, False


@dataclass
class ChoiceFacet(Facet):
    field: str = ""
    choices: type = None

    def clean(self, values):
        return [value for value in values if value in self.choices.values]

    def condition(self, values):
        return Q(**{f"{self.field}__in": values})

    def counts(self, results, selected):
        return self.tallied(results.order_by().values_list(self.field).annotate(n=Count("pk")), selected)

    def grouped(self, where, selected):
        column = Initiative._meta.get_field(self.field).column
        return f"SELECT {column}, NULL, 0, COUNT(*) FROM hits WHERE {where} GROUP BY {column}", ()  # noqa: S608

    def tallied(self, rows, selected):
        counted = {value: n for value, *_, n in rows}  # (value, n) or grouped()'s (value, …, n)
        return [
            (value, label, counted.get(value, 0))
            for value, label in self.choices.choices
            if counted.get(value) or value in selected
        ]


@dataclass
class RelationFacet(Facet):
    """A facet over linked records (tracks, topics, countries, institutions), by slug."""

    relation: str = ""  # the field of Initiative
    other: str = ""  # the field of the link table that points to the linked record
    order_by_rank: bool = False
    limit: int = 0  # show at most this many values (the most frequent), 0 for all

    @cached_property
    def through(self):
        return Initiative._meta.get_field(self.relation).remote_field.through

    @property
    def model(self):
        return Initiative._meta.get_field(self.relation).related_model

    @cached_property
    def repeats(self):
        """Whether an initiative may link to one record more than once (in several roles)."""
        pair = {"initiative", self.other}
        return not any(set(getattr(c, "fields", ())) == pair for c in self.through._meta.constraints)

    SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,120}$")

    def clean(self, values):
        # Only the shape here; whether the record exists and is published: known().
        return [value for value in values if self.SLUG.match(value)]

    def known(self, values):
        """{slug: name} of the published records among `values` (one query)."""
        if not values:
            return {}
        return dict(self.model.objects.published().filter(slug__in=values).values_list("slug", "name"))

    def condition(self, values):
        # IN rather than a correlated EXISTS: as a flag of every match (Browse.groups), the
        # database reads the links once, into a hash, instead of once per match.
        links = self.through.objects.filter(**{f"{self.other}__slug__in": values})
        return Q(pk__in=links.values("initiative_id"))

    def counts(self, results, selected, *, every=False):
        """The values over `results`: the `limit` most frequent (and one more, to tell that there
        are more), or with `every`, all of them."""
        rows = (
            self.links()
            .filter(initiative__in=results.order_by().values("pk"))
            .values_list("value", "label", "position")
            .annotate(n=Count("initiative", distinct=True))
        )
        if every:  # the chosen first, then the most frequent, one more than are shown
            chosen = Case(When(value__in=selected, then=Value(0)), default=Value(1))
            rows = rows.order_by(chosen, "-n", Lower("label"), "label")[
                : EVERY_VALUE_AT_MOST + len(selected) + 1
            ]
        return self.tallied(rows, selected, every=every)

    def links(self, links=None):
        """The published `links`, with the linked record's slug, name and (for the tracks) rank."""
        other = self.other
        position = F(f"{other}__rank") if self.order_by_rank else Value(0)
        links = self.through.objects.published() if links is None else links
        return links.annotate(value=F(f"{other}__slug"), label=F(f"{other}__name"), position=position)

    def grouped(self, where, selected):
        # Table and column names are ours. Grouped by the linked record's id (a hash of integers,
        # no sort), the unpublished left out by id (a hash of the few). A pair (initiative, record)
        # is counted once, whatever its roles.
        through, other = self.through._meta.db_table, self.through._meta.get_field(self.other).column
        table = self.model._meta.db_table
        pairs = f"SELECT {'DISTINCT' if self.repeats else ''} l.{other} AS other, hits.id FROM hits "  # noqa: S608
        pairs += f"JOIN {through} AS l ON l.initiative_id = hits.id WHERE {where}"
        groups = (
            f"SELECT other, COUNT(*) AS n FROM ({pairs}) AS p GROUP BY other "  # noqa: S608
            f"HAVING other NOT IN (SELECT id FROM {table} WHERE NOT is_published)"
        )
        position = "o.rank" if self.order_by_rank else "0"
        named = f"SELECT o.slug, o.name, {position}, g.n FROM g JOIN {table} AS o ON o.id = g.other"  # noqa: S608
        if not self.limit:
            return f"WITH g AS ({groups}) {named}", ()
        # A facet that shows only its most frequent values reads the names of those alone: of the
        # chosen, and of the groups at least as frequent as the last shown (a phrase at 100,000
        # initiatives links to 11,860 institutions, 16 shown: looking up every one's name was
        # half the time of the facets).
        shown = self.limit + len(selected) + 1
        frequent = "g.n >= (SELECT MIN(n) FROM (SELECT n FROM g ORDER BY n DESC LIMIT %s) AS top)"
        slugs = ", ".join(["%s"] * len(selected))
        if selected:
            frequent += f" OR g.other IN (SELECT id FROM {table} WHERE slug IN ({slugs}))"  # noqa: S608
        chosen = f"o.slug IN ({slugs})" if selected else "0 = 1"
        order = f"{chosen} DESC, g.n DESC, LOWER(o.name), o.name"
        sql = f"WITH g AS ({groups}) {named} WHERE {frequent} ORDER BY {order} LIMIT %s"
        return sql, (shown, *selected, *selected, shown)

    def tallied(self, rows, selected, *, every=False):
        """In rank order (tracks), or the chosen values first, then the most frequent."""

        def order(row):
            value, label, position, n = row
            by_name = (label.lower(), label)
            return (position, *by_name) if self.order_by_rank else (value not in selected, -n, *by_name)

        rows = [(value, label, n) for value, label, _, n in sorted(rows, key=order)]
        return rows if not self.limit or every else rows[: self.limit + len(selected) + 1]

    def shown(self, rows, selected):
        """(the rows a list shows, whether there are more)."""
        if not self.limit:
            return rows, False
        return rows[: self.limit + len(selected)], len(rows) > self.limit + len(selected)


class DecadeFacet(Facet):
    PATTERN = re.compile(r"^\d{3}0s$")
    field = "start"  # the decades are counted by start date

    def skips(self):
        return {self.param, "years"}  # the years are of the start date too

    def clean(self, values):
        return [value for value in values if self.PATTERN.match(value)]

    def condition(self, values):
        return reduce(or_, (Q(start__startswith=value[:3]) for value in values))

    def grouped(self, where, selected):
        return f"SELECT start, NULL, 0, COUNT(*) FROM hits WHERE {where} GROUP BY start", ()  # noqa: S608

    def tally(self, by_start, selected):
        """[(decade, decade, count)] from {start date: how many}."""
        counted = {}
        for start, n in by_start.items():
            if start:
                counted[f"{start[:3]}0s"] = counted.get(f"{start[:3]}0s", 0) + n
        for value in selected:
            counted.setdefault(value, 0)
        return [(decade, decade, counted[decade]) for decade in sorted(counted)]

    def within(self, start, values):
        """Whether a start date is in one of the decades `values` (as condition())."""
        return any(start.startswith(value[:3]) for value in values)


FACETS = [
    RelationFacet("track", "Track", relation="tracks", other="track", order_by_rank=True),
    ChoiceFacet("kind", "Kind", field="kind", choices=InitiativeKind),
    RelationFacet("topic", "Topic", "topics", relation="topics", other="topic", limit=20),
    RelationFacet(
        "institution", "Institution", "institutions", relation="institutions", other="institution", limit=15
    ),
    RelationFacet("country", "Country", "countries", relation="countries", other="country", limit=20),
    DecadeFacet("decade", "Decade"),
    ChoiceFacet("status", "Status", field="status", choices=InitiativeStatus),
]


def compiled(queryset):
    """(SQL, params) of `queryset` on its own database, to be part of a larger statement."""
    return queryset.query.get_compiler(using=queryset.db).as_sql()


def sampled(sql, params, table, percent):
    """(SQL, params) of a query of `table` that reads only a sample of its pages, `percent` of
    them: the same ones while the table is unchanged (PostgreSQL's TABLESAMPLE SYSTEM)."""
    # The outer FROM is the first FROM of the table (the columns' subqueries read other tables).
    found = re.match(rf'SELECT .*? FROM "{table}"(?= |$)', sql, re.DOTALL)  # noqa: S608 (a pattern)
    if not found:
        raise ValueError(f"Not a query of {table}: {sql[:80]}")
    before = sql[: found.end()].count("%s")  # the parameters of the columns, before the FROM
    sample = " TABLESAMPLE SYSTEM (%s) REPEATABLE (0)"
    return sql[: found.end()] + sample + sql[found.end() :], (*params[:before], percent, *params[before:])


def estimate(n, percent):
    """How many `n` rows of a sample of `percent` percent stand for, to two significant figures."""
    whole = round(n * 100 / percent)
    return round(whole, 2 - len(str(whole))) if whole >= 100 else whole


YEAR = re.compile(r"[0-9]{1,4}")  # ASCII digits, few: int() refuses a number of 4,300 digits
FIRST_YEAR, LAST_YEAR = 1000, 2999  # the years a range may name: partial dates have four digits


@dataclass
class YearRange:
    """The years an initiative began in, from and to (both included), read from `from` and `to`.

    A start date counts when it lies wholly in the range: "1990s" is within 1990–1999 but not
    within 1995–2005, since it may have been 1991; "early 2000s" counts as the whole decade, since
    the source names no years. Initiatives with no start date are never within a range; the page
    says how many it leaves out. Input it cannot read is ignored, with `errors` saying why.
    """

    start: int | None = None
    end: int | None = None
    errors: list = field(default_factory=list)  # [(param, message)]
    raw: dict = field(default_factory=dict)  # param → the text given, to show back in the form

    PARAMS = ("from", "to")

    @classmethod
    def from_params(cls, params):
        years, errors, raw = {}, [], {}
        for param in cls.PARAMS:
            text = params.get(param, "").strip()
            raw[param] = text[:20]
            if not text:
                continue
            if not YEAR.fullmatch(text):
                errors.append(
                    (param, f"“{text[:20]}” is not a year: write the year in digits, such as 1990.")
                )
            elif not FIRST_YEAR <= int(text) <= LAST_YEAR:
                errors.append(
                    (
                        param,
                        f"{text} is not a year of this knowledge base: give a year from "
                        f"{FIRST_YEAR} to {LAST_YEAR}.",
                    )
                )
            else:
                years[param] = int(text)
        start, end = years.get("from"), years.get("to")
        if start is not None and end is not None and start > end:
            errors.append(
                (
                    "to",
                    f"The range ends before it begins: from {start} to {end}. Give the earlier year first.",
                )
            )
            start = end = None
        return cls(start, end, errors, raw)

    def __bool__(self):
        return self.start is not None or self.end is not None

    @property
    def label(self):
        if self.start is not None and self.end is not None:
            return f"{self.start}–{self.end}" if self.start != self.end else str(self.start)
        return f"from {self.start}" if self.start is not None else f"until {self.end}"

    def contains(self, start):
        """Whether a start date is within the range: condition(), in Python."""
        if not start:
            return False
        latest = f"{start[:3]}9" if "s" in start else start[:4]
        return (self.start is None or start[:4] >= f"{self.start:04d}") and (
            self.end is None or latest <= f"{self.end:04d}"
        )

    def condition(self):
        condition = ~Q(start="")
        if self.start is not None:  # the earliest year the date may mean is in the range
            condition &= Q(start__gte=f"{self.start:04d}")
        if self.end is not None:  # and so is the latest: a decade, or part of one, ends in YYY9
            decade = Q(start__contains="s")
            condition &= (
                decade & Q(LessThanOrEqual(Concat(Left("start", 3), Value("9")), f"{self.end:04d}"))
            ) | (~decade & Q(LessThanOrEqual(Left("start", 4), f"{self.end:04d}")))
        return condition


SORTS = {
    "relevance": "Relevance",
    "name": "Name",
    "start": "Start year",
}


@dataclass
class Browse:
    """The initiatives a query string asks for: `Browse.from_params(request.GET)`."""

    query: Query = parse("")  # read once: the search, the facet counts and the page all take it
    sort: str = "name"
    selected: dict = field(default_factory=dict)  # param → values, before validation
    years: YearRange = field(default_factory=YearRange)
    counts: dict = field(default_factory=dict, repr=False, compare=False)  # count_at_most()'s
    found: dict = field(default_factory=dict, repr=False, compare=False)  # exact counts: groups()

    @classmethod
    def params(cls):
        """The query parameters it reads: the search, the sort, every facet and the years."""
        return ("q", "sort", *(facet.param for facet in FACETS), *YearRange.PARAMS)

    @classmethod
    def from_params(cls, params):
        query = parse(params.get("q", ""))
        selected = Filters.of(FACETS, params).chosen  # read as every list reads its facets
        sort = params.get("sort", "")
        if sort not in SORTS or (sort == "relevance" and not query):
            sort = "relevance" if query else "name"
        return cls(query=query, sort=sort, selected=selected, years=YearRange.from_params(params))

    @property
    def filtered(self):
        """Whether anything narrows the list: words, a facet or years."""
        return bool(self.query or self.selected or self.years)

    @cached_property
    def labels(self):
        """{param: {slug: name}} of the chosen linked records that exist and are published."""
        return {
            facet.param: facet.known(self.selected[facet.param])
            for facet in FACETS
            if isinstance(facet, RelationFacet) and facet.param in self.selected
        }

    @cached_property
    def chosen(self):
        """param → the valid chosen values (unknown slugs dropped)."""
        chosen = {}
        for param, values in self.selected.items():
            if param in self.labels:
                values = [value for value in values if value in self.labels[param]]
            if values:
                chosen[param] = values
        return chosen

    @cached_property
    def searched(self):
        """The published initiatives matching the query: searched once, then narrowed by facets."""
        return Initiative.objects.published().search(self.query)

    def narrowed(self, queryset, *, skip=()):
        for facet in FACETS:
            if facet.param in self.chosen and facet.param not in skip:
                queryset = queryset.filter(facet.condition(self.chosen[facet.param]))
        if self.years and "years" not in skip:
            queryset = queryset.filter(self.years.condition())
        return queryset

    @property
    def results(self):
        """The initiatives, in the chosen order (related records not loaded)."""
        return self.ordered(self.narrowed(self.searched))

    def ordered(self, queryset):
        if self.sort == "relevance":
            return queryset  # search() orders by rank
        if self.sort == "start":
            undated_last = Case(When(start="", then=1), default=0, output_field=IntegerField())
            return queryset.order_by(undated_last, "start", *readable(Initiative, "name"))
        return queryset.order_by(*readable(Initiative, "name"))

    def facets(self, params):
        """[(facet, [Option])] with counts, and links that toggle each option."""
        counted = self.counted
        shown = []
        for facet in FACETS:
            rows, more = facet.shown(counted[facet.param], self.chosen.get(facet.param, []))
            options = self.options(params, facet, rows)
            options.more, options.estimated = more, facet.param in self.estimated
            shown.append((facet, options))
        return shown

    def options(self, params, facet, rows):
        chosen = self.chosen.get(facet.param, [])
        options = Options(Option(value, label, count, value in chosen) for value, label, count in rows)
        known = {option.value for option in options}
        for value in chosen:  # a chosen value that no longer has results
            if value not in known:
                label = self.labels.get(facet.param, {}).get(value, value)
                options.append(Option(value, label, 0, True))
        for option in options:
            option.params = self.toggle(params, facet.param, option.value)
        return options

    def every_value(self, params, facet):
        """[Option] of every value of one facet over the results narrowed by the others: what
        "Show all" lists (at most EVERY_VALUE_AT_MOST, the most frequent; `more` when there are more)."""
        results = self.narrowed(self.searched, skip=facet.skips())
        chosen = self.chosen.get(facet.param, [])
        rows = facet.counts(results, chosen, every=True)
        options = self.options(params, facet, rows[: EVERY_VALUE_AT_MOST + len(chosen)])
        options.more = len(rows) > EVERY_VALUE_AT_MOST + len(chosen)
        return options

    @property
    def key(self):
        """What the results depend on besides the data: the query and the chosen facet values."""
        chosen = sorted((param, sorted(values)) for param, values in self.selected.items())
        return (self.query.text, chosen, (self.years.start, self.years.end))

    def count_at_most(self, most, *, of="results"):
        """How many of the results (of="searched": the matches of the query alone) there are,
        counted no further than `most`; once per request, as the paginator and the facets ask alike,
        and not at all once the facets' statement has counted them (groups(): asked for first)."""
        if of in self.found:
            return min(self.found[of], most)
        if (of, most) not in self.counts:
            self.counts[of, most] = count_at_most(getattr(self, of), most)
        return self.counts[of, most]

    def many(self, of="results"):
        """Whether there are more than COUNT_CAP: too many to count every facet of."""
        return self.count_at_most(COUNT_CAP + 1, of=of) > COUNT_CAP

    @cached_property
    def flags(self):
        """{name: condition} of each chosen facet (and the years): what the facets count by."""
        flags = {
            facet.param: facet.condition(self.chosen[facet.param])
            for facet in FACETS
            if facet.param in self.chosen
        }
        if self.years:
            flags["years"] = self.years.condition()
        return flags

    def groups(self):
        """{param: [(value, label, position, n)]}: every facet's groups over the results, and the
        params of the facets whose counts are estimates.

        The whole list's groups are kept counted (programs.summary): read in one query. Else
        the search runs once, into `hits`, with a flag for each chosen facet (and the years); each
        facet groups the hits that the other facets' flags let through, all in one statement,
        which counts the matches and the results too (`found`: the paginator need not). Where
        the matches are more than COUNT_CAP, on PostgreSQL, that statement stops at COUNT_CAP + 1
        of them, groups none, and the facets count a sample of them (`sampled`): every facet
        when the results are that many; else the facets that count the results alone count them
        exactly, and the chosen facets, which count more (their alternatives), a sample of the
        matches."""
        most = {facet.param: facet.limit + 1 for facet in FACETS if getattr(facet, "limit", 0)}
        if not self.filtered and (kept := FacetCount.objects.groups(most)) is not None:
            return {facet.param: kept[facet.param] for facet in FACETS}, set()  # programs.summary
        counted_by = {
            facet.param: [name for name in self.flags if name not in facet.skips()] for facet in FACETS
        }
        sampling = connections[self.searched.db].vendor == "postgresql"
        # Without words the matches are every published initiative: rarely few, counted first.
        if not sampling or self.query or not self.many(of="searched"):
            cap = COUNT_CAP if sampling else None
            groups = self.grouped(FACETS, self.searched, counted_by, counting=True, cap=cap)
            if self.found:
                return groups, set()
        past = COUNT_CAP + 1  # the matches are more than COUNT_CAP: as counted, or as grouped()
        self.counts["searched", past] = past
        if not self.flags:
            self.counts["results", past] = past  # nothing narrows the matches
        own = [facet for facet in FACETS if len(counted_by[facet.param]) == len(self.flags)]
        wider = [facet for facet in FACETS if facet not in own]
        if self.many():
            statements = [(FACETS, self.searched, counted_by, True)]
        else:
            statements = [(own, self.results, {}, False), (wider, self.searched, counted_by, True)]
        groups = {facet.param: [] for facet in FACETS}
        estimated = set()
        for facets, hits, by, sample in statements:
            percent = self.sample_percent() if sample else None
            groups.update(self.grouped(facets, hits, by, percent))
            estimated.update(facet.param for facet in facets if percent)
        return groups, estimated

    def sample_percent(self):
        """The percentage of the initiatives' table whose pages make about SAMPLED_ROWS rows
        (by the planner's estimate of its size); None for a table that small."""
        with connections[self.searched.db].cursor() as cursor:
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [Initiative._meta.db_table]
            )
            (rows,) = cursor.fetchone()
        percent = 100 * SAMPLED_ROWS / max(rows, 1)
        return percent if percent < 100 else None

    def grouped(self, facets, hits, counted_by, percent=None, *, counting=False, cap=None):
        """{param: rows} of `facets` over `hits` (a queryset) in one statement; each counts the
        hits its flags of `counted_by` (param → names of flags) let through: all when it has none.
        With `percent`, over that sample of the table's pages, the counts scaled to the whole.
        `counting`: the hits and the results (the hits every flag lets through) counted too, into
        `found`; with `cap`, only when the hits are no more than that, else no rows at all."""
        wanted = {name for facet in facets for name in counted_by.get(facet.param, [])}
        if counting:
            wanted = set(self.flags)
        flagged = {
            f"in_{name}": ExpressionWrapper(flag, BooleanField())
            for name, flag in self.flags.items()
            if name in wanted
        }
        columns = ("id", "kind", "status", "start", *flagged)
        groups = {facet.param: [] for facet in facets}
        hits = hits.order_by().values(*columns[:4], **flagged)
        try:
            sql, params = compiled(hits if cap is None else hits[: cap + 1])
        except EmptyResultSet:  # a query with nothing to search for in it: no results to count
            if counting:
                self.found.update(searched=0, results=0)
            return groups
        if percent:
            sql, params = sampled(sql, params, Initiative._meta.db_table, percent)
        parts = []
        # With a cap, the facets are grouped only under it (a one-time filter: past it, not at all).
        under = "" if cap is None else f" WHERE (SELECT COUNT(*) FROM hits) <= {int(cap)}"  # noqa: S608 (an integer)
        for number, facet in enumerate(facets):
            where = " AND ".join(f"hits.in_{name}" for name in counted_by.get(facet.param, [])) or "1 = 1"
            part, part_params = facet.grouped(where, self.chosen.get(facet.param, []))
            parts.append(f"SELECT {number}, g.* FROM ({part}) AS g{under}")  # noqa: S608 (names are ours)
            params = (*params, *part_params)
        if counting:
            every = " AND ".join(f"hits.in_{name}" for name in self.flags) or "1 = 1"
            parts.append("SELECT -1, NULL, NULL, NULL, COUNT(*) FROM hits")
            parts.append(f"SELECT -2, NULL, NULL, NULL, COUNT(*) FROM hits WHERE {every}")  # noqa: S608
        statement = f"WITH hits ({', '.join(columns)}) AS MATERIALIZED ({sql}) " + " UNION ALL ".join(parts)
        with connections[hits.db].cursor() as cursor:
            cursor.execute(statement, params)
            rows = cursor.fetchall()
        if counting:
            counted = {number: n for number, *_, n in rows if number < 0}
            if cap is not None and counted[-1] > cap:
                return groups  # too many to group: the caller samples them
            self.found.update(searched=counted[-1], results=counted[-2])
        for number, *row, n in rows:
            if number >= 0:
                groups[facets[number].param].append([*row, estimate(n, percent) if percent else n])
        return groups

    @property
    def counted(self):
        """{param: [(value, label, count)]}: each facet's counts over the results narrowed by the
        query and the other facets (groups()), once per request.

        Under "undated": (how many have no start date, out of how many), over the results but
        for the years (which leave out every undated initiative). The dates, the decades and the
        undated are counted together, by start date, over the results but for both."""
        return self.tally[0]

    @property
    def estimated(self):
        """The params of the facets whose counts are estimates (from a sample: groups()); with
        the decades', the undated count is one too."""
        return self.tally[1]

    @cached_property
    def tally(self):
        rows, estimated = self.groups()
        counts = {}
        for facet in FACETS:
            chosen = self.chosen.get(facet.param, [])
            if not isinstance(facet, DecadeFacet):
                counts[facet.param] = facet.tallied(rows[facet.param], chosen)
                continue
            by_start = {start: n for start, _, _, n in rows[facet.param]}
            dated = {
                start: n for start, n in by_start.items() if self.years.contains(start) or not self.years
            }
            counts[facet.param] = facet.tally(dated, chosen)
            if chosen:  # the decades leave the undated out too
                by_start = {
                    start: n for start, n in by_start.items() if start and facet.within(start, chosen)
                }
            counts["undated"] = (by_start.get("", 0), sum(by_start.values()))
        return counts, estimated

    def undated(self):
        """(how many of the results, years aside, have no start date, out of how many)."""
        return self.counted["undated"]

    def toggle(self, params, param, value):
        """The query string with `value` of `param` switched on or off, back on page 1."""
        params = params.copy()
        values = self.chosen.get(param, [])
        params.setlist(param, [v for v in values if v != value] if value in values else [*values, value])
        params.pop("page", None)
        return params

    def active(self, params):
        """[(label, value label, query string without it)] for each chosen value."""
        names = {facet.param: facet for facet in FACETS}
        active = []
        for param, values in self.chosen.items():
            facet = names[param]
            for value in values:
                if isinstance(facet, ChoiceFacet):
                    label = dict(facet.choices.choices)[value]
                else:
                    label = self.labels.get(param, {}).get(value, value)
                active.append((facet.label, label, self.toggle(params, param, value)))
        if self.years:
            without = params.copy()
            for param in (*YearRange.PARAMS, "page"):
                without.pop(param, None)
            active.append(("Began", self.years.label, without))
        return active


class CappedPaginator(Paginator):
    """A paginator that counts at most `cap` results past the page asked for, so that a huge
    result set counts fast and yet every page stays reachable by paging on: on page 1 it counts
    up to 10,000, on page 500 up to 20,000, and so on."""

    cap = COUNT_CAP
    start = 0  # where the page asked for begins

    def __init__(self, *args, counted=None, **kwargs):
        super().__init__(*args, **kwargs)
        # counted(most): how many there are, up to `most` (Browse.count_at_most, which the facets share)
        self.counted = counted or (lambda most: count_at_most(self.object_list, most))

    def page(self, number):
        if str(number).isascii() and str(number).isdigit():  # before the count; Django refuses the rest
            self.start = min(int(number) - 1, MAX_PAGE) * self.per_page
        return super().page(number)

    @property
    def limit(self):
        """How many results are counted at most: enough for the page asked for to be whole."""
        return self.start + max(self.cap, self.per_page + self.orphans)

    @cached_property
    def count(self):
        return self.counted(self.limit + 1)

    @property
    def is_capped(self):
        return self.count > self.limit

    @cached_property
    def num_pages(self):
        # Past a capped count there is at least one more page; asking for it counts further.
        return -(-self.limit // self.per_page) + 1 if self.is_capped else super().num_pages


# ---------------------------------------------------------------------------------------------
# Facets of the other lists (institutions…): the same links and counts, over one model's fields.


@dataclass
class ForeignKeyFacet(Facet):
    """A facet over a record's foreign key to a published record (an institution's country), by slug."""

    field: str = ""

    def clean(self, values):
        return [value for value in values if RelationFacet.SLUG.match(value)]

    def condition(self, values):
        return Q(**{f"{self.field}__slug__in": values, f"{self.field}__is_published": True})

    def counts(self, results, selected):
        field = self.field
        rows = (
            results.order_by()
            .filter(**{f"{field}__is_published": True})
            .values_list(f"{field}__slug", f"{field}__name")
            .annotate(n=Count("pk"))
        )
        return list(rows.order_by("-n", Lower(f"{field}__name"), f"{field}__name"))


@dataclass
class LinkFacet(Facet):
    """A facet over records linked through a Link model (a person's affiliations), by the slug of
    the link's other end; only published links (both ends published) count."""

    link: type = None  # the Link model, e.g. Affiliation
    own: str = ""  # its end that is the listed record ("person")
    other: str = ""  # its end that is the facet's value ("institution")

    def clean(self, values):
        return [value for value in values if RelationFacet.SLUG.match(value)]

    def condition(self, values):
        links = self.link.objects.published().filter(
            **{self.own: OuterRef("pk"), f"{self.other}__slug__in": values}
        )
        return Q(Exists(links))

    def counts(self, results, selected):
        other = self.other
        rows = (
            self.link.objects.published()
            .filter(**{f"{self.own}__in": results.order_by().values("pk")})
            .values_list(f"{other}__slug", f"{other}__name")
            .annotate(n=Count(self.own, distinct=True))
        )
        return list(rows.order_by("-n", Lower(f"{other}__name"), f"{other}__name"))


@dataclass
class Filters:
    """The chosen values of a list's facets, read from a query string: `Filters.of(facets, GET)`.
    As with the initiatives, values of one facet are alternatives, facets narrow each other, and
    each facet counts over the results narrowed by the others."""

    facets: tuple = ()
    chosen: dict = field(default_factory=dict)

    @classmethod
    def of(cls, facets, params):
        chosen = {}
        for facet in facets:
            values = list(dict.fromkeys(value for value in params.getlist(facet.param) if value))
            values = facet.clean(values[:MAX_VALUES])
            if values:
                chosen[facet.param] = values
        return cls(tuple(facets), chosen)

    def narrowed(self, queryset, *, skip=None):
        for facet in self.facets:
            if facet.param in self.chosen and facet.param != skip:
                queryset = queryset.filter(facet.condition(self.chosen[facet.param]))
        return queryset

    def options(self, params, results):
        """[(facet, Options)]: one query per facet."""
        shown = []
        for facet in self.facets:
            chosen = self.chosen.get(facet.param, [])
            rows = facet.counts(self.narrowed(results, skip=facet.param), chosen)
            options = Options(Option(value, label, count, value in chosen) for value, label, count in rows)
            known = {option.value for option in options}
            options.extend(Option(value, value, 0, True) for value in chosen if value not in known)
            for option in options:
                option.params = toggled(params, facet.param, chosen, option.value)
            shown.append((facet, options))
        return shown

    def active(self, facets_shown):
        """[(facet label, value label, query string without it)] of the chosen values."""
        return [
            (facet.label, option.label, option.params)
            for facet, options in facets_shown
            for option in options
            if option.selected
        ]


def toggled(params, param, chosen, value):
    """The query string with `value` of `param` switched on or off, back on page 1."""
    params = params.copy()
    params.setlist(param, [v for v in chosen if v != value] if value in chosen else [*chosen, value])
    params.pop("page", None)
    return params
