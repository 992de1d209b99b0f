"""Pages of the okrs app: objective and key result forms, live validation, cycles.

The read pages (home, boards, objective page, check-in, alignment) live in `goalkeeper.web`.
"""

from django.urls import URLPattern, URLResolver, path

from goalkeeper.okrs import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("objectives/new/", views.objective_create, name="objective_create"),
    path("objectives/bulk/", views.objective_bulk, name="objective_bulk"),
    path("objectives/validate/", views.objective_validate, name="objective_validate"),
    path("objectives/<int:pk>/edit/", views.objective_edit, name="objective_edit"),
    path("objectives/<int:pk>/delete/", views.objective_delete, name="objective_delete"),
    path(
        "objectives/<int:pk>/review-request/",
        views.objective_review_request,
        name="objective_review_request",
    ),
    path("objectives/<int:pk>/review/", views.objective_review, name="objective_review"),
    path(
        "objectives/<int:pk>/key-results/new/",
        views.key_result_create,
        name="key_result_create",
    ),
    path("key-results/validate/", views.key_result_validate, name="key_result_validate"),
    path("key-results/<int:pk>/edit/", views.key_result_edit, name="key_result_edit"),
    path("key-results/<int:pk>/odds/", views.key_result_odds, name="key_result_odds"),
    path("key-results/<int:pk>/delete/", views.key_result_delete, name="key_result_delete"),
    path("key-results/<int:pk>/split/", views.key_result_split, name="key_result_split"),
    path("cycles/manage/", views.cycle_list, name="cycle_list"),
    path("pick/objectives/", views.pick_objectives, name="pick_objectives"),
    path("pick/key-results/", views.pick_key_results, name="pick_key_results"),
    path("cycles/new/", views.cycle_create, name="cycle_create"),
    path("cycles/<int:pk>/edit/", views.cycle_edit, name="cycle_edit"),
    path("cycles/<int:pk>/activate/", views.cycle_activate, name="cycle_activate"),
    path("cycles/<int:pk>/close/", views.cycle_close, name="cycle_close"),
    path("cycles/<int:pk>/carry-over/", views.cycle_carry_over, name="cycle_carry_over"),
]
