"""The query parameters of the API: those of its page, read by the page's own code (Browse, the
list view's search and paginator), so that the JSON holds what the page holds. Where the page
quietly drops a value it cannot use, the JSON answers 400 and says why: a program that misspells
a parameter learns of it instead of getting other results. Their description in the OpenAPI
document is derived from the same declarations (FACETS, SORTS, the choices of each field).
"""

import re

from django.http import Http404

from ..browse import FACETS, FIRST_YEAR, LAST_YEAR, MAX_VALUES, SORTS, ChoiceFacet, DecadeFacet, RelationFacet
from ..search import MAX_QUERY_LENGTH

# A page of JSON holds at most this many records.
MAX_PAGE_SIZE = 100


class BadParameters(Exception):
    """A request whose parameters the API cannot answer: [(parameter, message)]."""

    def __init__(self, errors):
        super().__init__("; ".join(message for _, message in errors))
        self.errors = errors


def check_names(params, allowed):
    unknown = [name for name in params if name not in allowed]
    if unknown:
        takes = f"It takes: {', '.join(allowed)}." if allowed else "It takes none."
        raise BadParameters([(name, f"Unknown parameter “{name}”. {takes}") for name in unknown])


def page_size(params, default):
    """The page size asked for, or the page's own."""
    raw = params.get("page_size")
    if raw is None:
        return default
    # ASCII digits, few: str.isdigit() takes "²", and int() refuses a number of 4,300 digits.
    if not re.fullmatch(r"[0-9]{1,4}", raw) or not 1 <= int(raw) <= MAX_PAGE_SIZE:
        raise BadParameters([("page_size", f"page_size is a whole number from 1 to {MAX_PAGE_SIZE}.")])
    return int(raw)


def paginate(view, queryset, params):
    """(paginator, page) of the list view `view`, at the size asked for. At the page's own size
    the JSON's pages are the page's; at another, the last page takes no orphans."""
    size = page_size(params, view.paginate_by)
    if size != view.paginate_by:
        view.paginate_orphans = 0
    try:
        paginator, page, _, _ = view.paginate_queryset(queryset, size)
    except Http404 as error:  # the page answers 404 for a page it does not have
        raise BadParameters([("page", f"{error} Pages start at 1; “last” is the last one.")]) from error
    return paginator, page


def check_browse(params, browse):
    """Errors for what the initiatives' list ignores: an unknown sort, unknown facet values."""
    errors = []
    sort = params.get("sort")
    if sort is not None and sort not in SORTS:
        errors.append(("sort", f"Unknown sort “{sort}”: sort by {', '.join(SORTS)}."))
    for facet in FACETS:
        asked = [value for value in dict.fromkeys(params.getlist(facet.param)) if value]
        if len(asked) > MAX_VALUES:
            errors.append((facet.param, f"At most {MAX_VALUES} values of {facet.param}."))
            continue
        unknown = [value for value in asked if value not in browse.chosen.get(facet.param, [])]
        if unknown:
            errors.append((facet.param, _not_known(facet, unknown)))
    errors.extend(browse.years.errors)  # the page says why it ignores them, and so does the JSON
    if errors:
        raise BadParameters(errors)


def _not_known(facet, values):
    listed = ", ".join(f"“{value}”" for value in values)
    if isinstance(facet, ChoiceFacet):
        return f"Not a {facet.param}: {listed}. Choose among: {', '.join(facet.choices.values)}."
    if isinstance(facet, DecadeFacet):
        return f"Not a decade: {listed}. Write a decade as 1960s."
    return f"No published {facet.label.lower()} has the slug {listed}."


# ---------------------------------------------------------------------------------------------
# Their description in the OpenAPI document


def _query(name, description, schema, **more):
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
        **more,
    }


Q = _query(
    "q",
    'Words to search for, as in the page\'s search box: words (all must match), "a phrase", '
    "-excluded, `or` between alternatives. Empty: everything.",
    {"type": "string", "maxLength": MAX_QUERY_LENGTH},
)
PAGE = _query(
    "page",
    "The page, from 1, or `last`. A page beyond the last answers 400.",
    {"oneOf": [{"type": "integer", "minimum": 1}, {"type": "string", "enum": ["last"]}]},
)


def page_size_parameter(default):
    return _query(
        "page_size",
        f"Records per page, at most {MAX_PAGE_SIZE}. The default, {default}, is the page's own: "
        "then page N of the JSON holds what page N of the list shows.",
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": default},
    )


def _facet(facet):
    if isinstance(facet, ChoiceFacet):
        item = {"type": "string", "enum": list(facet.choices.values)}
    elif isinstance(facet, DecadeFacet):
        item = {"type": "string", "pattern": facet.PATTERN.pattern}
    else:
        item = {"type": "string", "pattern": RelationFacet.SLUG.pattern}
    what = "the slug of a published " + facet.label.lower() if isinstance(facet, RelationFacet) else "a value"
    return _query(
        facet.param,
        f"{facet.label}: {what}. Repeat the parameter for either of several values; "
        "different facets narrow each other.",
        {"type": "array", "items": item, "maxItems": MAX_VALUES},
        style="form",
        explode=True,
    )


SORT = _query(
    "sort",
    "The order: "
    + ", ".join(key if label.lower() == key else f"{key} ({label.lower()})" for key, label in SORTS.items())
    + ". Default: relevance with a search, else name.",
    {"type": "string", "enum": list(SORTS)},
)


def _year(name, which):
    return _query(
        name,
        f"The {which} year the initiatives began in, included. A start known only to a decade (or "
        "part of one) counts when the whole decade is in the range; initiatives with no start date "
        "are left out.",
        {"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR},
    )


YEARS = [_year("from", "first"), _year("to", "last")]

INITIATIVE_PARAMETERS = [Q, SORT, *(_facet(facet) for facet in FACETS), *YEARS, PAGE]
RECORD_PARAMETERS = [Q, PAGE]


def record_parameters(list_view):
    """The parameters of a list of records: with its facets where it has some, and with `sort`
    where its table sorts by its columns."""
    columns = getattr(list_view, "COLUMNS", None)
    facets = [_facet(facet) for facet in getattr(list_view, "facets", ())]
    if not columns:
        return [*RECORD_PARAMETERS[:1], *facets, *RECORD_PARAMETERS[1:]]
    sort = _query(
        "sort",
        "The column to sort by, as the page's table does; a leading - sorts descending. "
        "Default: relevance with a search, else the first column.",
        {"type": "string", "enum": [f"{sign}{key}" for key in columns for sign in ("", "-")]},
    )
    return [*RECORD_PARAMETERS[:1], sort, *facets, *RECORD_PARAMETERS[1:]]


def check_filters(params, view):
    """Errors for facet values a list cannot read (a slug of the wrong shape, an unknown kind)."""
    errors = []
    for facet in view.facets:
        asked = [value for value in dict.fromkeys(params.getlist(facet.param)) if value]
        if len(asked) > MAX_VALUES:
            errors.append((facet.param, f"At most {MAX_VALUES} values of {facet.param}."))
            continue
        unknown = [value for value in asked if value not in view.filters.chosen.get(facet.param, [])]
        if unknown:
            errors.append((facet.param, _not_known(facet, unknown)))
    if errors:
        raise BadParameters(errors)


def check_column_sort(params, list_view):
    columns = getattr(list_view, "COLUMNS", None)
    sort = params.get("sort")
    if columns and sort is not None and sort.removeprefix("-") not in columns:
        raise BadParameters([("sort", f"Unknown sort “{sort}”: sort by {', '.join(columns)}, or -column.")])


def names(parameters):
    return [parameter["name"] for parameter in parameters]
