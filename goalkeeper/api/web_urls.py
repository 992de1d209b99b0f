"""Pages of the API app, included at the site root: /account/tokens/."""

from django.urls import URLPattern, URLResolver, path

from goalkeeper.api import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("account/tokens/", views.tokens, name="api_tokens"),
    path("account/tokens/<int:token_id>/revoke/", views.revoke_token, name="api_token_revoke"),
]
