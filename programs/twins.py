"""The twins of a page: its JSON at /api/ + the page's path, with the same query string, and for
a list its CSV at the list's path + .csv (`/initiatives/?q=x` → `/api/initiatives/?q=x`,
`/initiatives.csv?q=x`). Page and JSON share URL names: `programs:NAME` ↔ `api:NAME`."""

from urllib.parse import urlsplit, urlunsplit

from django.urls import NoReverseMatch, Resolver404, resolve, reverse

# Pages outside the programs namespace whose JSON is something else.
OTHER_TWINS = {"api:docs": "api:openapi-json"}


def _with_query(path, query):
    return f"{path}?{query}" if query else path


def json_twin(match, query=""):
    """The address of the JSON twin of the page `match` (a ResolverMatch), or None."""
    if match is None:
        return None
    if match.view_name in OTHER_TWINS:
        return reverse(OTHER_TWINS[match.view_name])
    if match.namespace != "programs":
        return None
    try:
        return _with_query(reverse(f"api:{match.url_name}", kwargs=match.kwargs), query)
    except NoReverseMatch:
        return None


def csv_twin(match, params):
    """The address of the CSV of the list page `match`: its whole result set (no page), or None."""
    if match is None or match.namespace != "programs" or not match.url_name.endswith("_list"):
        return None
    params = params.copy()
    params.pop("page", None)
    return _with_query(reverse(f"programs:{match.url_name.removesuffix('_list')}_csv"), params.urlencode())


def api_twin(url):
    """The JSON twin of a page's address (a path with its query), e.g. a link to a full list."""
    parts = urlsplit(url)
    try:
        twin = json_twin(resolve(parts.path), parts.query)
    except Resolver404:
        twin = None
    if twin is None:
        raise ValueError(f"{url} has no JSON twin")
    return urlunsplit(("", "", *urlsplit(twin)[2:4], ""))


def page_twin(match, params):
    """The page of which the API's answer `match` is the JSON, with the page's own parameters."""
    params = params.copy()
    params.pop("page_size", None)
    return _with_query(reverse(f"programs:{match.url_name}", kwargs=match.kwargs), params.urlencode())
