"""Security pieces the settings name: the login throttle's backend and the client's address.
See the "Security" block of diplomacy/settings.py.
"""

from axes.backends import AxesStandaloneBackend
from django.conf import settings


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
