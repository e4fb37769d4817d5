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
    for year, name, slug in first_of_each_year():
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


def first_of_each_year():
    """(year, name, slug) of the first NAMED_PER_YEAR initiatives of each year, by start and
    name, in one pass over the index initiative_year_first (which holds all four)."""
    dated = Initiative.objects.published().exclude(start="").annotate(year=Substr("start", 1, 4))
    place = Window(RowNumber(), partition_by=[F("year")], order_by=[F("start"), F("name")])
    return (
        dated.annotate(place=place)
        .filter(place__lte=NAMED_PER_YEAR)
        .order_by("year", "place")
        .values_list("year", "name", "slug")
    )


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
