"""Routes of provisioning: the SCIM 2.0 endpoints and the admin page of SCIM tokens."""

from django.urls import URLPattern, URLResolver, path

from goalkeeper.scim import protocol, views

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/provisioning/", views.scim_tokens, name="scim_tokens"),
    path(
        "admin/provisioning/<int:scim_token_id>/revoke/",
        views.scim_token_revoke,
        name="scim_token_revoke",
    ),
    # SCIM clients do not add a trailing slash: the paths are RFC 7644's, as they are.
    path("scim/v2/", protocol.service_provider_config, name="scim_root"),
    path(
        "scim/v2/ServiceProviderConfig",
        protocol.service_provider_config,
        name="scim_service_provider_config",
    ),
    path("scim/v2/ResourceTypes", protocol.resource_types, name="scim_resource_types"),
    path("scim/v2/Schemas", protocol.schemas, name="scim_schemas"),
    path("scim/v2/Users", protocol.users, name="scim_users"),
    path("scim/v2/Users/<str:scim_id>", protocol.user, name="scim_user"),
    path("scim/v2/Groups", protocol.groups, name="scim_groups"),
    path("scim/v2/Groups/<str:scim_id>", protocol.group, name="scim_group"),
    path("scim/v2/<path:rest>", protocol.unknown, name="scim_unknown"),
]
