"""What each page costs without any cache: the median time of five requests served in-process
(no HTTP, no concurrency) with the cache turned off, and the SQL queries each runs.
`bench/cold.py --warm`: the same with the cache on (a cache of this run's own, in memory),
each page asked for once to fill it, then the median of five.

The load test measures pages as readers get them, mostly from the cache; this shows the work a
page takes when the data have just changed, and how it grows with the size of the data.
"""

import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diplomacy.settings")
WARM = "--warm" in sys.argv[1:]
if not WARM:
    os.environ["DJANGO_CACHE"] = "off"
# Production settings, as make serve has them (static files collected by it).
os.environ["DJANGO_DEBUG"] = "0"
os.environ.setdefault("DJANGO_SECRET_KEY", os.urandom(32).hex())
os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
os.environ.setdefault("DJANGO_SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto")

import django  # noqa: E402

django.setup()


from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.pages import pages  # noqa: E402

TIMES = 5


def main():
    if WARM:  # a cache of this process alone, empty at the start, whatever the settings name
        local = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "bench-warm"}
        settings.CACHES = {alias: local for alias in settings.CACHES}
    client = Client(headers={"X-Forwarded-Proto": "https"}, secure=True)
    print("| page | median ms | queries |")
    print("|---|---:|---:|")
    for label, name, args, params in pages():
        if label == "healthz":
            continue
        path = reverse(name, args=args) + ("?" + urlencode(params) if params else "")
        spent = []
        if WARM:
            client.get(path)  # fills the cache
        for _ in range(TIMES):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(path)
                if response.streaming:
                    b"".join(response.streaming_content)
                spent.append(time.perf_counter() - started)
            assert response.status_code == 200, (path, response.status_code)
        print(f"| {label} | {statistics.median(spent) * 1000:.1f} | {len(queries)} |")


if __name__ == "__main__":
    main()
