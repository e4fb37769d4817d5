"""The About page (what the Atlas is, how it is made, its license, how to cite it) and the data
releases: /data/ lists them, /data/<version>/<file> serves their files."""

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse

from .. import release
from ..citing import DATA_LICENSE, Cited, last_change_of_data
from ..models import Source
from .home import ORIGIN


def about(request):
    changed = last_change_of_data()
    cited = Cited.atlas(request.build_absolute_uri(reverse("programs:home")), changed)
    origin = Source.objects.published().select_related("publisher").filter(slug=ORIGIN).first()
    return render(
        request,
        "programs/about.html",
        {"changed": changed, "citation_formats": cited.formats(), "license": DATA_LICENSE, "origin": origin},
    )


def data(request):
    # Read from the releases folder each time: a new release changes no record, so the page
    # cache, which follows the data, would not know of it.
    return render(request, "programs/data.html", {"releases": release.releases(), "license": DATA_LICENSE})


def release_file(request, version, name):
    """A file of a release, if the release lists it in its checksums; else 404."""
    found = next((each for each in release.releases() if each.version == version), None)
    if found is None or name not in {release.SUMS, *(listed for listed, _, _ in found.files())}:
        raise Http404("No such file.")
    types = {".csv": "text/csv; charset=utf-8", ".json": "application/json", "": "text/plain; charset=utf-8"}
    suffix = name[name.rfind(".") :] if "." in name else ""
    response = FileResponse((found.path / name).open("rb"), content_type=types.get(suffix, "text/plain"))
    response["Content-Disposition"] = f'inline; filename="{version}-{name}"'
    return response
