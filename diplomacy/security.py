"""Security pieces the settings name: the login throttle's backend and client address, and the
refusal of NUL bytes. See the "Security" block of diplomacy/settings.py.
"""

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.core.exceptions import BadRequest
from django.views.defaults import bad_request


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' throttle for every login made through a web request.

    A login with no request (the test client's `login()`, a shell) comes from no address and
    cannot be throttled; it is left to the next backend instead of failing. Every login form of
    the site, the admin's included, passes its request.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_ip(request):
    """The address a login attempt comes from.

    With ATLAS_PROXY_COUNT reverse proxies in front, it is the entry that the outermost proxy
    appended to X-Forwarded-For; entries further left were sent by the client and prove nothing.
    """
    count = settings.ATLAS_PROXY_COUNT
    if count:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [address for address in forwarded if address]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


def contains_nul(request):
    if "\x00" in request.path:
        return True
    return any(
        "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
    )


class RejectNulMiddleware:
    """Answer 400 Bad Request to a path or query string holding a NUL byte.

    No text of this site may contain one: forms already refuse it (Django's
    ProhibitNullCharactersValidator), and PostgreSQL cannot even compare a string holding one, so
    a search for it would otherwise end in a server error.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if contains_nul(request):
            # Answered here rather than raised, so that the log is not filled with tracebacks.
            return bad_request(request, BadRequest("NUL byte in the path or query string"))
        return self.get_response(request)
