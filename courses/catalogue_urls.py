from django.urls import path

from courses import public_views

app_name = "catalogue"

urlpatterns = [
    path("", public_views.curriculum_overview, name="curriculum"),
    path("modules/<slug:module_slug>/", public_views.module_overview, name="module"),
    path("lessons/<slug:lesson_slug>/", public_views.lesson_link, name="lesson-link"),
]
