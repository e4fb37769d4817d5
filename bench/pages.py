"""The pages the benchmark measures, in one place: `label<TAB>path` lines on standard output.

Run against the database the server uses (DATABASE_URL). Paths are built from the site's URL
names; a page whose URL name does not exist (yet) is left out with a note on standard error.
Records are chosen from the data: the middle synthetic initiative, and the institution with
the most initiatives (the heaviest institution page, as a hub university's would be).
"""

import os
import sys
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diplomacy.settings")

import django  # noqa: E402

django.setup()

from django.db.models import Count  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from programs.models import Initiative, Institution, Topic, Track  # noqa: E402

# Words chosen for the synthetic text (programs/synthetic.py): about half of the initiatives
# mention a dialogue; "tokamak" is in a handful; the misspelt word is a city in many names.
COMMON, RARE, PHRASE, MISSPELT, GLOBAL = "dialogue", "tokamak", '"nuclear security"', "Novosibrisk", "arctic"


def busiest(model, relation):
    return (
        model.objects.published()
        .annotate(n=Count(relation))
        .order_by("-n", "pk")
        .values_list("slug", flat=True)
        .first()
    )


def pages():
    """(label, URL name, URL args, query parameters) of every page measured, /healthz first."""
    initiatives = Initiative.objects.published().order_by("pk")
    initiative = initiatives[initiatives.count() // 2].slug if initiatives.exists() else None
    facets = {"track": busiest(Track, "initiatives"), "topic": busiest(Topic, "initiatives")}
    return [
        ("healthz", "healthz", [], {}),
        ("home", "programs:home", [], {}),
        ("initiatives", "programs:initiative_list", [], {}),
        ("initiatives, two facets", "programs:initiative_list", [], facets),
        ("search: common word", "programs:initiative_list", [], {"q": COMMON}),
        ("search: rare word", "programs:initiative_list", [], {"q": RARE}),
        ("search: phrase", "programs:initiative_list", [], {"q": PHRASE}),
        ("search: misspelling", "programs:initiative_list", [], {"q": MISSPELT}),
        ("global search", "programs:search", [], {"q": GLOBAL}),
        ("initiative detail", "programs:initiative", [initiative], {}),
        ("institution detail", "programs:institution", [busiest(Institution, "initiatives")], {}),
        ("CSV export, two facets", "programs:initiative_csv", [], facets),
    ]


def main():
    for label, name, args, params in pages():
        try:
            path = reverse(name, args=args)
        except NoReverseMatch:
            print(f"not measured: {label} (no URL named {name} or no record for it)", file=sys.stderr)
            continue
        print(f"{label}\t{path}{'?' + urlencode(params) if params else ''}")


if __name__ == "__main__":
    main()
