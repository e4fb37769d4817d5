"""The API's endpoints: one JSON twin per public page, at /api/ + the page's path, with the
page's query parameters; the OpenAPI document at /api/openapi.json; the guide at /api/docs/.

Each endpoint runs the page's own view to read (programs.api.kinds), so there is one copy of
the read rules: `.published()`, the search, Browse, the paginators and their caches. Detail
views run with `previews_drafts=False`: no draft appears, whoever asks.
"""

import re
from functools import wraps
from typing import Literal

from django.http import Http404, JsonResponse
from django.urls import path, re_path, reverse
from ninja import NinjaAPI
from ninja.errors import ValidationError
from pydantic import create_model

from ..browse import SORTS
from ..caching import cached_page
from ..search import clean, parse
from ..twins import api_twin, page_twin
from ..views.common import public
from ..views.home import figures
from ..views.site_search import found
from . import params
from .fields import ref
from .kinds import INITIATIVES, KINDS
from .schemas import Error, Facet, Home, Page, Search, Years

DESCRIPTION = """The Track II Atlas as JSON: every public page has a twin here, at `/api/` followed by
the page's path, taking the page's query parameters (`/initiatives/?q=students&track=track-ii` →
`/api/initiatives/?q=students&track=track-ii`). Read-only; drafts never appear. Every record gives
its fields, its relationships and, for each fact, the passages of the sources that support it.

Lists are paged (`page`, `page_size` up to 100) with `next` and `previous` links; every list is also
available whole as CSV (`csv_url`). A parameter the API cannot use answers 400 with a message.
How to use it, for people: /api/docs/."""

api = NinjaAPI(
    title="Track II Atlas",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    docs_url=None,  # the guide is a page of the site's own (programs.api.guide)
)


# ---------------------------------------------------------------------------------------------
# Errors: always JSON, never a traceback


@api.exception_handler(params.BadParameters)
def bad_parameters(request, error):
    errors = [{"parameter": name, "message": message} for name, message in error.errors]
    return api.create_response(request, {"detail": str(error), "errors": errors}, status=400)


@api.exception_handler(ValidationError)
def invalid(request, error):
    return api.create_response(request, {"detail": "Invalid parameters.", "errors": []}, status=400)


@api.exception_handler(Http404)
def not_found(request, error):
    detail = "Not found: no published record has this address."
    return api.create_response(request, {"detail": detail, "errors": []}, status=404)


@api.exception_handler(Exception)
def server_error(request, error):
    raise error  # Django's own 500 page and logging; ninja would show a traceback in debug


def unknown_address(request, rest=""):
    detail = f"Not found: the API has no such address. See {reverse('api:docs')}."
    return JsonResponse({"detail": detail, "errors": []}, status=404)


# ---------------------------------------------------------------------------------------------
# Lists


def absolute(request, address):
    return request.build_absolute_uri(address)


def page_link(request, number):
    query = request.GET.copy()
    query["page"] = number
    return absolute(request, f"{request.path}?{query.urlencode()}")


def page_of(request, kind, paginator, page):
    """What every page of a list gives besides its rows (schemas.Page)."""
    capped = getattr(paginator, "is_capped", False)
    match = request.resolver_match
    csv = params_without(request.GET, "page", "page_size")
    return {
        "total": paginator.limit if capped else paginator.count,
        "capped": capped,
        "page": page.number,
        "pages": paginator.num_pages,
        "page_size": paginator.per_page,
        "next": page_link(request, page.next_page_number()) if page.has_next() else None,
        "previous": page_link(request, page.previous_page_number()) if page.has_previous() else None,
        "page_url": absolute(request, page_twin(match, request.GET)),
        "csv_url": absolute(request, reverse(f"programs:{kind.name}_csv") + (f"?{csv}" if csv else "")),
    }


def params_without(query, *names):
    query = query.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def run_list_view(request, kind):
    view = kind.list_view()
    view.setup(request)
    return view


def every_value_page(facet, query):
    """The page that lists every value of `facet`, keeping the other parameters of `query`."""
    query = query.copy()
    for name in ("page", "page_size"):
        query.pop(name, None)
    query["facet"] = facet.param
    return f"{reverse('programs:initiative_facet')}?{query.urlencode()}"


def years_of(browse):
    undated, out_of = browse.undated()
    return {
        "from_year": browse.years.start,
        "to_year": browse.years.end,
        "undated": undated,
        "out_of": out_of,
    }


def initiative_list(request):
    kind = INITIATIVES
    params.check_names(request.GET, [*params.names(params.INITIATIVE_PARAMETERS), "page_size"])
    view = run_list_view(request, kind)
    queryset = view.get_queryset()  # Browse.from_params(request.GET), as the page
    browse = view.browse
    params.check_browse(request.GET, browse)
    facets = [  # before the page: the facets' statement counts the results for the paginator
        {
            "parameter": facet.param,
            "label": facet.label,
            "options": [
                {
                    "value": option.value,
                    "label": option.label,
                    "count": option.count,
                    "selected": option.selected,
                    "api_url": absolute(request, f"{request.path}?{option.params.urlencode()}"),
                }
                for option in options
            ],
            "more": options.more,
            "all_url": absolute(request, every_value_page(facet, request.GET)) if options.more else None,
            "estimated": options.estimated,
        }
        for facet, options in browse.facets(request.GET)
    ]
    paginator, page = params.paginate(view, queryset, request.GET)
    return {
        **page_of(request, kind, paginator, page),
        "query": clean(request.GET.get("q", "")),
        "sort": browse.sort,
        "facets": facets,
        "years": years_of(browse),
        "results": [kind.row_value(request, row) for row in page.object_list],
    }


def record_list(kind):
    def operation(request):
        parameters = params.record_parameters(kind.list_view)
        params.check_names(request.GET, [*params.names(parameters), "page_size"])
        params.check_column_sort(request.GET, kind.list_view)
        view = run_list_view(request, kind)
        queryset = view.get_queryset()
        params.check_filters(request.GET, view)
        paginator, page = params.paginate(view, queryset, request.GET)
        return {
            **page_of(request, kind, paginator, page),
            "query": clean(request.GET.get("q", "")),
            "results": [kind.row_value(request, row) for row in page.object_list],
        }

    return operation


SLUG = re.compile(r"[-a-zA-Z0-9_]+")


def record(kind):
    def operation(request, slug: str):
        params.check_names(request.GET, [])
        if not SLUG.fullmatch(slug):  # as the pages' <slug:> paths: anything else names no record
            raise Http404
        view = kind.detail_view(previews_drafts=False)
        view.setup(request, slug=slug)
        view.object = view.get_object()
        return kind.record_value(request, view.object, view.get_context_data(object=view.object))

    return operation


# ---------------------------------------------------------------------------------------------
# Home and search


@api.get(
    "/",
    response={200: Home, 400: Error},
    operation_id="home",
    url_name="home",
    summary="What the knowledge base holds",
    description="The home page's figures: counts of each kind, the tracks, initiatives by start year.",
    tags=["Home and search"],
)
def home(request):
    params.check_names(request.GET, [])
    shown = figures()
    counts = []
    for kinds, count, url in shown["counts"]:
        counts.append(
            {
                "kind": str(kinds),
                "count": count,
                "url": absolute(request, url),
                "api_url": absolute(request, api_twin(url)),
                "csv_url": absolute(request, url.rstrip("/") + ".csv"),
            }
        )
    timeline = [
        {
            "year": year["year"],
            "count": year["count"],
            "initiatives": [
                {
                    "slug": slug,
                    "name": name,
                    "url": absolute(request, reverse("programs:initiative", args=[slug])),
                    "api_url": absolute(request, reverse("api:initiative", args=[slug])),
                }
                for name, slug in year["initiatives"]
            ],
            "events": [ref(request, event) for event in year["events"]],
        }
        for year in shown["years"]
    ]
    return {
        "counts": counts,
        "tracks": [
            {**ref(request, track), "initiative_count": track.initiative_count} for track in shown["tracks"]
        ],
        "timeline": timeline,
        "origin": ref(request, shown["origin"]),
        "openapi_url": absolute(request, reverse("api:openapi-json")),
        "docs_url": absolute(request, reverse("api:docs")),
    }


@api.get(
    "/search/",
    response={200: Search, 400: Error},
    operation_id="search",
    url_name="search",
    summary="Search every kind of record",
    description="The best few matches of each kind, as the search page shows them, with the JSON "
    "of each kind's list for all of them.",
    tags=["Home and search"],
    openapi_extra={"parameters": [params.Q]},
)
def search(request):
    params.check_names(request.GET, ["q"])
    query = parse(request.GET.get("q", ""))
    groups = found(query)
    return {
        "query": query.text,
        "total": sum(group["count"] for group in groups),
        "groups": [
            {
                "kind": str(group["kinds"]),
                "count": group["count"],
                "capped": group["capped"],
                "results": [ref(request, row) for row in group["rows"]],
                "api_url": absolute(request, api_twin(group["more_url"])),
            }
            for group in groups
        ],
    }


# ---------------------------------------------------------------------------------------------
# Every kind's list and records


def _register(kind):
    meta = kind.model._meta
    tag = str(meta.verbose_name_plural).capitalize()
    list_schema_fields = {"results": (list[kind.row_schema], ...)}
    if kind is INITIATIVES:
        sort = Literal[tuple(SORTS)]
        list_schema_fields.update(
            query=(str, ...), sort=(sort, ...), facets=(list[Facet], ...), years=(Years, ...)
        )
        parameters = params.INITIATIVE_PARAMETERS
        operation = initiative_list
    else:
        list_schema_fields.update(query=(str, ...))
        parameters = params.record_parameters(kind.list_view)
        operation = record_list(kind)
    list_schema = create_model(f"{kind.model.__name__}List", __base__=Page, **list_schema_fields)
    api.get(
        f"/{kind.plural}/",
        response={200: list_schema, 400: Error},
        operation_id=f"{kind.name}_list",
        url_name=f"{kind.name}_list",
        summary=f"The list of {meta.verbose_name_plural}",
        description=f"The published {meta.verbose_name_plural}, as /{kind.plural}/ lists them, "
        "a page at a time.",
        tags=[tag],
        openapi_extra={"parameters": [*parameters, params.page_size_parameter(kind.list_view.paginate_by)]},
    )(operation)
    api.get(
        f"/{kind.plural}/{{slug}}/",
        response={200: kind.record_schema, 400: Error, 404: Error},
        operation_id=kind.name,
        url_name=kind.name,
        summary=f"A {meta.verbose_name}",
        description=f"A published {meta.verbose_name}: its fields, its relationships and the passages "
        "of the sources that support each.",
        tags=[tag],
    )(record(kind))


for _kind in KINDS:
    _register(_kind)


# ---------------------------------------------------------------------------------------------
# Addresses


def readable(view):
    """An endpoint as the site's pages are: GET and HEAD (OPTIONS says so), from the page cache
    for readers without a session; open to scripts of other sites (read-only, no credentials)."""

    @wraps(view)
    def as_get(request, *args, **kwargs):
        if request.method != "HEAD":
            return view(request, *args, **kwargs)
        # ninja routes by method: a HEAD is answered as a GET, whose body is then not sent.
        request.method = "GET"
        try:
            return view(request, *args, **kwargs)
        finally:
            request.method = "HEAD"

    cached = cached_page(as_get)

    @wraps(view)
    def answer(request, *args, **kwargs):
        response = cached(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return public(answer)


def urls():
    """The API's URL patterns, for include() under api/ with the namespace "api"."""
    from .guide import guide

    patterns, _, _ = api.urls
    for pattern in patterns:
        pattern.callback = readable(pattern.callback)
    return (
        [
            path("docs/", public(cached_page(guide)), name="docs"),
            *patterns,
            re_path(r"^(?P<rest>.*)$", readable(unknown_address)),
        ],
        "api",
    )
