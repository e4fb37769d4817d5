"""`{% alternates %}` in base.html: the <link>s that name a page's JSON and CSV twins
(programs.twins) and the API's OpenAPI document."""

from django import template
from django.urls import reverse
from django.utils.html import format_html_join

from ..twins import csv_twin, json_twin

register = template.Library()

OPENAPI_TYPE = "application/vnd.oai.openapi+json;version=3.1"


@register.simple_tag(takes_context=True)
def alternates(context):
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    links = []
    if match is not None:
        twin = json_twin(match, request.GET.urlencode())
        if twin:
            links.append(("alternate", "application/json", twin))
        twin = csv_twin(match, request.GET)
        if twin:
            links.append(("alternate", "text/csv", twin))
    links.append(("service-desc", OPENAPI_TYPE, reverse("api:openapi-json")))
    return format_html_join("\n  ", '<link rel="{}" type="{}" href="{}">', links)
