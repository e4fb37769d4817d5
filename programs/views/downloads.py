"""Every list as CSV: the whole current result set (all pages, in the list's order), read by the
list's own view from the same query string, so the file holds exactly what the list holds.

Files are UTF-8 with a byte order mark, so that Excel reads them right, with every cell made
formula-safe (programs.export), and named for what they hold and when they were made:
`initiatives-track-ii-2026-12-01.csv`. A whole list (nothing asked of it but its default order)
is a file made once per generation of the data (`whole_table`), sent gzip-compressed to a client
that accepts it; a result set is kept in the cache.
"""

import csv
import gzip
from itertools import chain, islice

from django.http import FileResponse, StreamingHttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header
from django.utils.text import slugify

from diplomacy.limits import ask_again, throttle

from .. import caching
from ..browse import FACETS, Browse
from ..export import BOM, MAKING, Echo, generation_file, initiative_rows, record_rows
from ..search import count_at_most

CSV = "text/csv; charset=utf-8"
# An export up to this size is kept until the data change; a larger one is made each time (and
# throttled). 8 MB: a result set of tens of thousands of initiatives (two facets at 100,000 give
# 2.2 MB); the cache holds values this large (Redis: up to 512 MB, the file cache: any).
CSV_KEPT_CHARACTERS = 8_000_000
# The whole table of a list of more records than this is written aside, by a thread of the worker
# (programs.export.generation_file), while the request answers 503 "being written, ask again in
# RETRY_MAKING seconds": at 100,000 it takes 25–30 s, longer than a reader should wait on a
# worker and near gunicorn's 30 s time-out. Fewer are written in the request (about 1.3 s).
MADE_IN_THE_REQUEST = 5_000
RETRY_MAKING = 15
# The part of a file name that says what the file holds is cut to this many characters.
NAME_LENGTH = 80


def kept_if_small(lines, keep):
    """Yield `lines`; once they are all out, `keep` their text unless it is too large."""
    kept, size = [], 0
    for line in lines:
        if size <= CSV_KEPT_CHARACTERS:
            kept.append(line)
            size += len(line)
        yield line
    if size <= CSV_KEPT_CHARACTERS:
        keep("".join(kept))


def file_name(kinds, *words):
    """`kinds-words-YYYY-MM-DD.csv`: what the file holds (the search and the chosen facet
    values), and the day it was made."""
    what = "-".join(part for part in (slugify(word) for word in (kinds, *words)) if part)
    if len(what) > NAME_LENGTH:
        what = what[:NAME_LENGTH].rsplit("-", 1)[0]
    return f"{what}-{timezone.localdate().isoformat()}.csv"


def page_address(request, name):
    """slug → the absolute address of the record's page, without a reverse() per row."""
    page = request.build_absolute_uri(reverse(f"programs:{name}", args=["__slug__"]))
    before, _, after = page.partition("__slug__")
    return lambda slug: f"{before}{slug}{after}"


def csv_response(rows, parts, filename):
    """The CSV of `rows` (a header, then lists of cells), or the text kept for `parts`."""
    kept = caching.get("csv", parts)
    if kept is not None:
        lines = [kept]
    else:
        lines = kept_if_small(_lines(rows), lambda text: caching.put("csv", parts, text))
        # The first rows before answering: a query cut off by the statement time-out then answers
        # the 503 page rather than a 200 that breaks off.
        first = list(islice(lines, 3))
        lines = chain(first, lines)
    response = StreamingHttpResponse(lines, content_type=CSV)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _lines(rows):
    writer = csv.writer(Echo())
    yield BOM
    for row in rows:
        yield writer.writerow(row)


def initiative_csv(request):
    """Every initiative of the list's current result set, as CSV.

    The whole table (no search, no facet) is served from a file made once per generation of the
    data (programs.export.generation_file); a result set from the cache when it is small, else
    made afresh, which is throttled per client (diplomacy.limits)."""
    browse = Browse.from_params(request.GET)
    url_of = page_address(request, "initiative")
    chosen = [value for facet in FACETS for value in browse.chosen.get(facet.param, [])]
    years = [f"began {browse.years.label.replace('–', ' to ')}"] if browse.years else []
    name = file_name("initiatives", request.GET.get("q", ""), *chosen, *years)
    if not browse.filtered:
        rows = initiative_rows(browse.results, url_of)
        kept = whole_table(request, "initiatives", (browse.sort, url_of("")), browse.results, rows, name)
        if kept is not None:
            return kept
    parts = ("initiatives", browse.key, browse.sort, url_of(""))
    rows = initiative_rows(browse.results, url_of)
    if caching.get("csv", parts) is not None:  # kept: cheap, and not counted against the client
        return csv_response(rows, parts, name)
    return result_set_csv(request, rows, parts, name)


def whole_table(request, kind, parts, records, rows, filename):
    """The CSV of a whole list, `rows` of `records`, from a file made once per generation of the
    data (programs.export.generation_file): in the request for a few records, else aside, the
    request answering 503 meanwhile (being_made); None when nothing is cached (no generation)."""

    def write(file):
        file.write(BOM)
        csv.writer(file).writerows(rows)

    def large():
        return count_at_most(records, MADE_IN_THE_REQUEST + 1) > MADE_IN_THE_REQUEST

    kept = generation_file(kind, parts, write, aside=large)
    if kept is MAKING:
        return being_made(request)
    if kept is None:
        return None
    if re_accepts_gzip.search(request.headers.get("Accept-Encoding", "")):
        # As stored, with its length: the web server hands the file to the socket (sendfile).
        response = FileResponse(kept, as_attachment=True, filename=filename, content_type=CSV)
        response["Content-Encoding"] = "gzip"
    else:
        response = StreamingHttpResponse(_unzipped(kept), content_type=CSV)
        response["Content-Disposition"] = content_disposition_header(True, filename)
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


def _unzipped(file, block=FileResponse.block_size):
    with file, gzip.open(file) as text:  # gzip closes only what it opened
        while chunk := text.read(block):
            yield chunk


def being_made(request):
    """503 with Retry-After: the whole table is being written (a page that asks again by itself)."""
    context = {"making": True, "retry_after": RETRY_MAKING}
    return ask_again(request, "503.html", context, status=503, seconds=RETRY_MAKING)


@throttle("csv")
def result_set_csv(request, rows, parts, name):
    return csv_response(rows, parts, name)


def record_csv(list_view):
    """The CSV view of a list page of institutions, people…: the records `list_view` lists. The
    whole table (nothing asked but the default order) is served from a file, as the initiatives'."""

    def download(request):
        view = list_view()
        view.setup(request)
        records = view.get_queryset()
        meta = records.model._meta
        url_of = page_address(request, meta.model_name)
        # What the list reads besides the page: the search, its facets, a sort. The kept CSV is
        # keyed on all of it (a list narrowed by a facet is another file).
        asked = [(param, sorted(request.GET.getlist(param))) for param in view.reads if param != "page"]
        asked = [(param, values) for param, values in asked if any(values)]
        chosen = [value for values in view.filters.chosen.values() for value in values]
        name = file_name(str(meta.verbose_name_plural), request.GET.get("q", ""), *chosen)
        rows = record_rows(records, url_of)
        if not asked:
            kept = whole_table(request, meta.model_name, (url_of(""),), records, rows, name)
            if kept is not None:
                return kept
        return csv_response(rows, (meta.model_name, asked, url_of("")), name)

    download.__name__ = f"{list_view.model._meta.model_name}_csv"
    download.__doc__ = f"Every {list_view.model._meta.verbose_name} of the list's result set, as CSV."
    return download
