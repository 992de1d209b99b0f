"""The REST API under /api/v1/: the NinjaAPI, its docs assets, and JSON for unknown paths."""

from django.urls import URLPattern, URLResolver, path, re_path

from goalkeeper.api import views
from goalkeeper.api.v1 import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("docs/assets/<str:name>", views.docs_asset, name="api_docs_asset"),
    path("", api.urls),
    re_path(r"^(?P<rest>.*)$", views.not_found),
]
