"""Pages of the web app: home, the cycle board, objectives, alignment and check-ins.

Forms that create and edit objectives and cycles live in the okrs app (`okrs/urls.py`).
"""

from django.contrib.auth import views as auth_views
from django.urls import path

from goalkeeper.accounts.forms import LoginForm
from goalkeeper.web import check_in_all, views

urlpatterns = [
    path("", views.home, name="home"),
    path("objectives/", views.cycles, name="cycles"),
    path("objectives/cycle/<int:pk>/", views.cycle_board, name="cycle_board"),
    path("objectives/<int:pk>/", views.objective_detail, name="objective_detail"),
    path("alignment/", views.alignment, name="alignment"),
    path("alignment/<int:pk>/", views.alignment_cycle, name="alignment_cycle"),
    path(
        "alignment/objectives/<int:pk>/children/",
        views.alignment_children,
        name="alignment_children",
    ),
    path("key-results/<int:pk>/check-in/", views.key_result_check_in, name="key_result_check_in"),
    path("check-in/", check_in_all.check_in_all, name="check_in_all"),
    path("check-in/<int:pk>/", check_in_all.check_in_all_row, name="check_in_all_row"),
    path("key-results/<int:pk>/row/", views.key_result_row, name="key_result_row"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="web/login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", views.healthz, name="healthz"),
]
