"""Pages of the reports app: the cycle review and its documents."""

from django.urls import URLPattern, URLResolver, path

from goalkeeper.reports import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("cycles/<int:pk>/review/", views.cycle_review_page, name="cycle_review"),
    *(
        path(
            f"cycles/<int:pk>/review.{fmt}",
            views.cycle_review_file,
            {"fmt": fmt},
            name=f"cycle_review_{fmt}",
        )
        for fmt in ("pdf", "pptx", "xlsx")
    ),
]
