"""
WSGI config for diplomacy project.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diplomacy.settings")

application = get_wsgi_application()

# The web server's database connections are bounded; management commands' are not.
from diplomacy.limits import bound_connections  # noqa: E402

bound_connections()
