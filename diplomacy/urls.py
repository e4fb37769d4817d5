from django.contrib import admin
from django.urls import include, path

from programs import api

from . import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    # The JSON twins of the pages, their OpenAPI document and the guide (programs.api).
    path("api/", include(api.urls(), namespace="api")),
    path("", include("programs.urls")),
]
