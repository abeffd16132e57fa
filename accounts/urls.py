from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("profile/", views.onboarding, name="onboarding"),
    path("settings/", views.account_settings, name="settings"),
]
