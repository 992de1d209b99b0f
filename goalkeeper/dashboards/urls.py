"""Pages of the dashboards app."""

from django.urls import URLPattern, URLResolver, path

from goalkeeper.dashboards import public, views

urlpatterns: list[URLPattern | URLResolver] = [
    path("dashboards/", views.index, name="dashboards"),
    path("dashboards/new/", views.create, name="dashboard_create"),
    path("dashboards/tv/", views.tv, name="dashboards_tv"),
    path("dashboards/<int:pk>/", views.detail, name="dashboard_detail"),
    path("dashboards/<int:pk>/tiles/", views.tiles, name="dashboard_tiles"),
    path("dashboards/<int:pk>/edit/", views.edit, name="dashboard_edit"),
    path("dashboards/<int:pk>/delete/", views.delete, name="dashboard_delete"),
    path("dashboards/<int:pk>/arrange/", views.arrange, name="dashboard_arrange"),
    path("dashboards/<int:pk>/tiles/add/<str:kind>/", views.tile_add, name="dashboard_tile_add"),
    path(
        "dashboards/<int:pk>/tiles/<int:tile_id>/remove/",
        views.tile_remove,
        name="dashboard_tile_remove",
    ),
    path("dashboards/<int:pk>/share/", views.share, name="dashboard_share"),
    path(
        "dashboards/<int:pk>/share/<int:link_id>/revoke/",
        views.link_revoke,
        name="dashboard_link_revoke",
    ),
    path("dashboards/<int:pk>/export.pdf", views.export_pdf, name="dashboard_export_pdf"),
    path("dashboards/<int:pk>/export.pptx", views.export_pptx, name="dashboard_export_pptx"),
    path("s/<str:token>/", public.shared, name="dashboard_shared"),
    path("s/<str:token>/tiles/", public.shared_tiles, name="dashboard_shared_tiles"),
]
