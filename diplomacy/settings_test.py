"""Settings of the test suite (pyproject.toml's DJANGO_SETTINGS_MODULE): the app's own, with a
fast password hasher and a cache and export folder of this run alone, so that a test run never
reads or writes what a server of the same checkout keeps in .cache/.

Pages are cached as in production. Each test starts with an empty cache (tests/conftest.py), as
its database starts from the state of before the test.
"""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from diplomacy.settings import *  # noqa: F403

# Hashing a test user's password in a millisecond rather than PBKDF2's many.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # noqa: S303 (tests only)

# The cache of this process, whatever DJANGO_CACHE / DJANGO_REDIS_URL say: two suites run side by
# side (CI: SQLite and PostgreSQL) or a development server never share one.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": f"atlas-tests-{os.getpid()}",
        "OPTIONS": {"MAX_ENTRIES": 10_000},
    }
}
_run_dir = Path(tempfile.mkdtemp(prefix="atlas-tests-"))
atexit.register(shutil.rmtree, _run_dir, ignore_errors=True)
EXPORT_DIR = _run_dir / "exports"

# Tests of pages make many requests from one address: tests/test_limits.py turns the throttle on
# where it tests it.
RATELIMIT_ENABLE = False
# One process's memory, as in the else branch of diplomacy.settings whatever the environment says.
SILENCED_SYSTEM_CHECKS = sorted({*SILENCED_SYSTEM_CHECKS, "django_ratelimit.E003", "django_ratelimit.W001"})  # noqa: F405
