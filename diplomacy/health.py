"""Liveness: answers as long as the process serves requests, without touching the database."""

from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@require_safe
@never_cache
def healthz(request):
    """A constant answer: no query, no session, no template. Also the benchmark's baseline."""
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
