from django.urls import path

from courses import views

app_name = "courses"

urlpatterns = [
    path("<slug:course_slug>/", views.course_detail, name="course"),
    path("<slug:course_slug>/start/", views.start, name="start"),
    path("<slug:course_slug>/break/", views.break_page, name="break"),
    path("<slug:course_slug>/edition/", views.move_edition, name="move_edition"),
    path(
        "<slug:course_slug>/modules/<slug:module_slug>/",
        views.module_detail,
        name="module",
    ),
    path(
        "<slug:course_slug>/modules/<slug:module_slug>/continue/",
        views.acknowledge_note,
        name="acknowledge_note",
    ),
    path(
        "<slug:course_slug>/lessons/<slug:lesson_slug>/",
        views.lesson_detail,
        name="lesson",
    ),
    path(
        "<slug:course_slug>/lessons/<slug:lesson_slug>/complete/",
        views.mark_complete,
        name="complete",
    ),
    path(
        "<slug:course_slug>/lessons/<slug:lesson_slug>/break/",
        views.take_break,
        name="take_break",
    ),
    path(
        "<slug:course_slug>/lessons/<slug:lesson_slug>/place/",
        views.save_place,
        name="save_place",
    ),
]
