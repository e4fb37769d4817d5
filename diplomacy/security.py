"""Security pieces the settings name: the login throttle (its backend and its handler) and the
client's address. See the "Security" block of diplomacy/settings.py.
"""

from axes.attempts import get_cool_off_threshold
from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.db.models import Sum
from django.utils.cache import patch_cache_control


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


class LoginThrottleHandler(AxesDatabaseHandler):
    """Failed logins counted three ways, each against its own limit (settings.LOGIN_LIMITS):

    - one account from one address: a few tries, then that address is refused for that account;
    - one address, whatever the accounts: an address cannot spray guesses across accounts;
    - one account, whatever the addresses: guessing from many addresses stays bounded. This lock
      does not apply to an address the account has logged in from before, so strangers cannot
      lock a curator out of the place they work from.

    Failures are stored per account and address (AXES_LOCKOUT_PARAMETERS), so a successful login
    clears only its own account's failures from its own address: never another account's.
    """

    def is_locked(self, request, credentials=None):
        if not settings.AXES_LOCK_OUT_AT_FAILURE:
            return False
        username = get_client_username(request, credentials)
        address = request.axes_ip_address
        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))

        def failures(**match):
            return recent.filter(**match).aggregate(n=Sum("failures_since_start"))["n"] or 0

        limits = settings.LOGIN_LIMITS
        if failures(username=username, ip_address=address) >= limits["account_and_address"]:
            return True
        if failures(ip_address=address) >= limits["address"]:
            return True
        return (
            failures(username=username) >= limits["account"]
            and not AccessLog.objects.filter(username=username, ip_address=address).exists()
        )

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        # axes flags the answer as a lockout (429) by the first count only; flag it by any of them.
        if request is not None and self.is_locked(request, credentials):
            request.axes_locked_out = True


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


def private_for_users(get_response):
    """Middleware: an answer to a logged-in user is `Cache-Control: private`, kept by no proxy."""

    def middleware(request):
        response = get_response(request)
        if request.user.is_authenticated:
            patch_cache_control(response, private=True)
        return response

    return middleware
