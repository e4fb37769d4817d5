from django.db import connection
from django.db.models import F, Window
from django.db.models.functions import RowNumber, Substr
from django.shortcuts import render
from django.urls import reverse

from ..browse import Browse
from ..charts import Timeline
from ..models import Country, Event, Initiative, Institution, Person, Source, Statistic, Topic, Track

COUNTED = [Initiative, Event, Institution, Person, Track, Statistic, Source, Topic, Country]
NAMED_PER_YEAR = 3
# The source the Atlas starts from: the article that fixtures/article.json encodes.
ORIGIN = "washington-post-2016-11-05-us-russia-diplomacy-that-is-working"


def timeline(by_start):
    """Initiatives by start year: a chart of the counts and the first few names of each year,
    from {start date: how many published initiatives} ("" for the undated, so that the chart
    says how many it cannot show)."""
    counts = {}
    for start, n in by_start.items():
        if start:
            counts[int(start[:4])] = counts.get(int(start[:4]), 0) + n
    names = {}
    for year, name, slug in first_of_each_year({start[:4] for start in by_start if start}):
        names.setdefault(int(year), []).append((name, slug))
    # What happened within initiatives, by the year of its date: listed, not counted.
    events = {}
    dated_events = (
        Event.objects.published().exclude(date="").select_related("initiative").order_by("date", "name")
    )
    for event in dated_events:
        events.setdefault(int(event.date[:4]), []).append(event)
    years = [
        {
            "year": year,
            "decade": f"{year - year % 10}s",
            "count": counts.get(year, 0),
            "initiatives": names.get(year, []),
            "more": counts.get(year, 0) - len(names.get(year, [])),
            "events": events.get(year, []),
        }
        for year in sorted({*counts, *events})
    ]
    return Timeline.of(counts, sum(by_start.values())), years


def first_of_each_year(years):
    """(year, name, slug) of the first NAMED_PER_YEAR initiatives of each of `years` (the first
    four characters of start dates), by start and name, in one query over the index
    initiative_year_first (which holds all four).

    PostgreSQL reads NAMED_PER_YEAR entries of it per year (a LATERAL join over the years), however
    many initiatives there are; a window over every dated initiative read the whole index (21 ms
    at 100,000, 264 ms at 1,000,000) or, when planned as a sort, the whole table (300 ms at
    100,000). SQLite, at the sizes it serves, numbers them in a window."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(FIRST_OF_EACH_YEAR, [sorted(years), NAMED_PER_YEAR])
            return cursor.fetchall()
    dated = Initiative.objects.published().exclude(start="").annotate(year=Substr("start", 1, 4))
    place = Window(RowNumber(), partition_by=[F("year")], order_by=[F("start"), F("name")])
    return (
        dated.annotate(place=place)
        .filter(place__lte=NAMED_PER_YEAR)
        .order_by("year", "place")
        .values_list("year", "name", "slug")
    )


# The index's expression and condition, as the model declares them (Initiative.Meta.indexes).
FIRST_OF_EACH_YEAR = f"""
    SELECT y.year, i.name, i.slug
    FROM unnest(%s::text[]) AS y (year)
    CROSS JOIN LATERAL (
        SELECT name, slug, start FROM {Initiative._meta.db_table}
        WHERE is_published AND start <> '' AND substring(start, 1, 4) = y.year
        ORDER BY start, name
        LIMIT %s
    ) AS i
    ORDER BY y.year, i.start, i.name
"""  # noqa: S608 (the table's name is ours)


def figures():
    """What the home page shows of the data: counts, tracks, the timeline. The initiatives are
    counted as the unfiltered list counts them (kept counted: programs.summary)."""
    groups, _ = Browse().groups()  # unfiltered: exact, never estimated
    by_start = {start: n for start, _, _, n in groups["decade"]}
    counts = [
        (
            model._meta.verbose_name_plural,
            sum(by_start.values()) if model is Initiative else model.objects.published().count(),
            reverse(f"programs:{model._meta.model_name}_list"),
        )
        for model in COUNTED
    ]
    per_track = {slug: n for slug, _, _, n in groups["track"]}
    tracks = list(Track.objects.published())
    for track in tracks:
        track.initiative_count = per_track.get(track.slug, 0)
    chart, years = timeline(by_start)
    origin = Source.objects.published().select_related("publisher").filter(slug=ORIGIN).first()
    return {"counts": counts, "tracks": tracks, "chart": chart, "years": years, "origin": origin}


def home(request):
    return render(request, "programs/home.html", {**figures(), "hide_header_search": True})
