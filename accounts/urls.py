from django.urls import path

from accounts import privacy_views, views

app_name = "accounts"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("profile/", views.onboarding, name="onboarding"),
    path("settings/", views.account_settings, name="settings"),
]

urlpatterns += [
    path("export/", privacy_views.export, name="export"),
    path("delete/", privacy_views.delete_account, name="delete"),
    path("deleted/", privacy_views.account_deleted, name="deleted"),
]

# Email choices and the one-click unsubscribe endpoint (accounts/email_views.py).
from accounts import email_views  # noqa: E402  (appended so parallel edits above do not collide)

urlpatterns += [
    path("email/", email_views.email_preferences, name="email_preferences"),
    path("email/unsubscribe/<str:token>/", email_views.unsubscribe, name="unsubscribe"),
]
