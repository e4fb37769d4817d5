"""/api/docs/: how to use the API, for people. The endpoints and their parameters are listed from
the OpenAPI document itself, so that the guide and the API cannot drift apart."""

from django.shortcuts import render
from django.urls import reverse

from .params import MAX_PAGE_SIZE


def guide(request):
    from .routes import api

    document = api.get_openapi_schema()
    endpoints = [
        {
            "path": address,
            "summary": operation["summary"],
            "description": operation.get("description", ""),
            "parameters": operation.get("parameters", []),
            "tag": (operation.get("tags") or [""])[0],
        }
        for address, methods in document["paths"].items()
        for operation in [methods["get"]]
    ]
    return render(
        request,
        "programs/api_docs.html",
        {
            "endpoints": endpoints,
            "openapi_url": reverse("api:openapi-json"),
            "max_page_size": MAX_PAGE_SIZE,
        },
    )
