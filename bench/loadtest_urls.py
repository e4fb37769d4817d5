"""Print the public addresses the load test requests, one a line: every page of the public
site (the `programs` URL namespace), a sample of published records of every kind, and searches
for words from their names. Run with the database the server uses (DATABASE_URL)."""

import os
import random
import re
import sys
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diplomacy.settings")

import django  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402
from django.urls import URLPattern, URLResolver, get_resolver, reverse  # noqa: E402
from django.urls.exceptions import NoReverseMatch  # noqa: E402

RECORDS_PER_KIND = int(os.environ.get("RECORDS_PER_KIND", "40"))
# Pages that need a parameter to be a page: "Show all" lists one facet's values.
PARAMETERS = {"initiative_facet": {"facet": "topic"}}
SEARCHES = int(os.environ.get("SEARCHES", "40"))


def public_pages(patterns, namespace=None):
    """The addresses of the public pages that take no argument."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from public_pages(entry.url_patterns, entry.namespace or namespace)
        elif isinstance(entry, URLPattern) and namespace == "programs" and entry.name:
            try:
                url = reverse(f"programs:{entry.name}")
            except NoReverseMatch:  # a page of one record: sampled below
                continue
            params = PARAMETERS.get(entry.name)
            yield f"{url}?{urlencode(params)}" if params else url


def record_pages(rng):
    names = []
    for model in apps.get_app_config("programs").get_models():
        if not hasattr(model, "get_absolute_url") or not hasattr(model.objects, "published"):
            continue
        ids = list(model.objects.published().values_list("pk", flat=True))
        for record in model.objects.filter(pk__in=rng.sample(ids, min(len(ids), RECORDS_PER_KIND))):
            try:
                yield record.get_absolute_url()
            except NoReverseMatch:
                break
            names.append(str(record))
    record_pages.names = names


def main():
    rng = random.Random(2016)  # noqa: S311 — the same addresses on every run, nothing secret
    pages = list(public_pages(get_resolver().url_patterns))
    records = list(record_pages(rng))
    words = sorted({w for name in record_pages.names for w in re.findall(r"[^\W\d_]{4,}", name)})
    searches = [
        page
        + ("&" if "?" in page else "?")
        + urlencode({"q": " ".join(rng.sample(words, rng.choice([1, 1, 2])))})
        for page in pages
        for _ in range(max(1, SEARCHES // max(len(pages), 1)))
        if words
    ]
    for url in pages + records + searches:
        print(url)


if __name__ == "__main__":
    main()
