"""Pages of the accounts app.

`login/` is declared here, before the web app's route of the same name (the root urls
include this module first), so the rate-limited view answers it.
"""

from django.urls import URLPattern, URLResolver, path

from goalkeeper.accounts import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("invite/<str:token>/", views.invite_accept, name="invite_accept"),
    path("me/", views.profile, name="profile"),
    path("me/theme/", views.profile_theme, name="profile_theme"),
    path("workspace/switch/", views.workspace_switch, name="workspace_switch"),
    path("admin/", views.admin_home, name="admin"),
    path("admin/people/", views.admin_people, name="admin_people"),
    path("admin/people/invite/", views.admin_invite, name="admin_invite"),
    path(
        "admin/people/invitations/send/",
        views.admin_people_invite_all,
        name="admin_people_invite_all",
    ),
    path(
        "admin/people/<int:person_id>/invitation/send/",
        views.admin_person_invite,
        name="admin_person_invite",
    ),
    path("admin/people/<int:person_id>/", views.admin_person_edit, name="admin_person_edit"),
    path(
        "admin/people/<int:person_id>/deactivate/",
        views.admin_person_deactivate,
        name="admin_person_deactivate",
    ),
    path(
        "admin/people/<int:person_id>/reactivate/",
        views.admin_person_reactivate,
        name="admin_person_reactivate",
    ),
    path(
        "admin/invitations/<int:invitation_id>/revoke/",
        views.admin_invite_revoke,
        name="admin_invite_revoke",
    ),
    path("admin/teams/", views.admin_teams, name="admin_teams"),
    path("admin/teams/<int:team_id>/", views.admin_team_edit, name="admin_team_edit"),
    path(
        "admin/teams/<int:team_id>/archive/",
        views.admin_team_archive,
        name="admin_team_archive",
    ),
    path(
        "admin/teams/<int:team_id>/restore/",
        views.admin_team_restore,
        name="admin_team_restore",
    ),
    path("admin/settings/", views.workspace_settings, name="workspace_settings"),
    path("pick/people/", views.pick_people, name="pick_people"),
    path("pick/teams/", views.pick_teams, name="pick_teams"),
]
