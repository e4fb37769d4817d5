from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber, Substr
from django.shortcuts import render
from django.urls import reverse

from .. import caching
from ..charts import Timeline
from ..models import Country, Event, Initiative, Institution, Person, Source, Statistic, Topic, Track

COUNTED = [Initiative, Event, Institution, Person, Track, Statistic, Source, Topic, Country]
NAMED_PER_YEAR = 3
# The source the Atlas starts from: the article that fixtures/article.json encodes.
ORIGIN = "washington-post-2016-11-05-us-russia-diplomacy-that-is-working"


def timeline(total=None):
    """Initiatives by start year: a chart of the counts and the first few names of each year.
    `total`: how many initiatives are published, dated or not, for the chart to say how many
    it cannot show."""
    dated = Initiative.objects.published().exclude(start="").annotate(year=Substr("start", 1, 4))
    counts = {int(year): n for year, n in dated.order_by().values_list("year").annotate(n=Count("pk"))}
    named = (
        dated.annotate(place=Window(RowNumber(), partition_by=[F("year")], order_by=[F("start"), F("name")]))
        .filter(place__lte=NAMED_PER_YEAR)
        .order_by("year", "place")
        .values_list("year", "name", "slug")
    )
    names = {}
    for year, name, slug in named:
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
    return Timeline.of(counts, total), years


def figures():
    """What the home page shows of the data: counts, tracks, the timeline."""
    counts = [
        (
            model._meta.verbose_name_plural,
            model.objects.published().count(),
            reverse(f"programs:{model._meta.model_name}_list"),
        )
        for model in COUNTED
    ]
    tracks = list(Track.objects.published().with_initiative_count())
    chart, years = timeline(total=counts[0][1])  # COUNTED begins with the initiatives
    origin = Source.objects.published().select_related("publisher").filter(slug=ORIGIN).first()
    return {"counts": counts, "tracks": tracks, "chart": chart, "years": years, "origin": origin}


def home(request):
    # Counting every kind of record takes long in a large knowledge base and changes only with
    # the data: kept until the data change (programs.caching).
    context = caching.cached("home", (), figures)
    return render(request, "programs/home.html", {**context, "hide_header_search": True})
