"""The site's routes plus the API tokens page (which the lead includes at the root)."""

from django.urls import include, path

from goalkeeper.urls import urlpatterns as site

urlpatterns = [path("", include("goalkeeper.api.web_urls")), *site]
