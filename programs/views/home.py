from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber, Substr
from django.shortcuts import render

from ..charts import Timeline
from ..models import Country, Initiative, Institution, Person, Source, Statistic, Topic, Track

COUNTED = [Initiative, Institution, Person, Track, Statistic, Source, Topic, Country]
NAMED_PER_YEAR = 3


def timeline():
    """Initiatives by start year: a chart of the counts and the first few names of each year."""
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
    years = [
        {
            "year": year,
            "decade": f"{year - year % 10}s",
            "count": count,
            "initiatives": names.get(year, []),
            "more": count - len(names.get(year, [])),
        }
        for year, count in sorted(counts.items())
    ]
    return Timeline.of(counts), years


def home(request):
    counts = [(model._meta.verbose_name_plural, model.objects.published().count()) for model in COUNTED]
    tracks = Track.objects.published().annotate(
        initiative_count=Count("initiatives", filter=Q(initiatives__is_published=True))
    )
    chart, years = timeline()
    return render(
        request,
        "programs/home.html",
        {"counts": counts, "tracks": tracks, "chart": chart, "years": years, "hide_header_search": True},
    )
