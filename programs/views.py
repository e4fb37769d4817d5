from django.shortcuts import render

from .models import Country, Initiative, Institution, Person, Source, Statistic, Topic, Track

COUNTED = [Initiative, Institution, Person, Track, Statistic, Source, Topic, Country]


def home(request):
    counts = [(model._meta.verbose_name_plural, model.objects.published().count()) for model in COUNTED]
    return render(request, "programs/home.html", {"counts": counts})
