"""The JSON API (django-ninja): a JSON twin of every public page, described by an OpenAPI
document. See programs.api.routes."""

from .routes import api, urls

__all__ = ["api", "urls"]
