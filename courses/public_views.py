"""The public "Curriculum" pages: what Steadfast teaches, so that an agency or a learner
can judge the content before signing up (courses, tracks, modules, hours, version,
review status, changelog and sources), and the stable addresses the lessons' internal
links point at (`module:<id>` and `lesson:<id>` in the Markdown).

No learner data is read here except, for a signed-in reader following a lesson link,
their own enrolments.
"""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from accounts.decorators import request_user
from courses.models import Course, Enrollment
from curriculum.models import CurriculumVersion, Lesson, Module, Track


@require_GET
def curriculum_overview(request: HttpRequest) -> HttpResponse:
    tracks = list(Track.objects.current())
    modules = list(
        Module.objects.current()
        .filter(track__in=tracks)
        .annotate(lesson_count=Count("lessons", filter=Q(lessons__retired_at__isnull=True)))
        .order_by("order", "slug")
    )
    by_track: dict[int, list[Module]] = {track.pk: [] for track in tracks}
    for module in modules:
        by_track[module.track_id].append(module)
    courses = []
    for course in Course.objects.published().prefetch_related("tracks"):
        course_tracks = {track.pk for track in course.tracks.all()}
        courses.append(
            {
                "course": course,
                "tracks": [track for track in tracks if track.pk in course_tracks],
                "modules": sum(len(by_track.get(pk, [])) for pk in course_tracks),
            }
        )
    versions = list(CurriculumVersion.objects.order_by("-loaded_at", "-pk"))
    return render(
        request,
        "catalogue/curriculum.html",
        {
            "courses": courses,
            "tracks": [
                (track, by_track[track.pk], sum(m.minutes for m in by_track[track.pk]))
                for track in tracks
            ],
            "version": versions[0] if versions else None,
            "versions": versions,
            "module_count": len(modules),
            "lesson_count": sum(module.lesson_count for module in modules),
            "statuses": sorted({module.review_status for module in modules}),
        },
    )


@require_GET
def module_overview(request: HttpRequest, module_slug: str) -> HttpResponse:
    module = get_object_or_404(
        Module.objects.current().select_related("track").filter(track__retired_at__isnull=True),
        slug=module_slug,
    )
    lessons = Lesson.objects.current().filter(module=module).order_by("order", "slug")
    courses = Course.objects.published().filter(tracks=module.track_id)
    return render(
        request,
        "catalogue/module.html",
        {"module": module, "lessons": list(lessons), "courses": list(courses)},
    )


@login_required
@require_GET
def lesson_link(request: HttpRequest, lesson_slug: str) -> HttpResponse:
    """Where a `lesson:<id>` link in a lesson goes: that lesson in the reader's most
    recent course that has it, or its module's public page when they take none."""
    user = request_user(request)
    lesson = get_object_or_404(Lesson.objects.current().select_related("module"), slug=lesson_slug)
    enrollment = (
        Enrollment.objects.of(user)
        .filter(course__tracks=lesson.module.track_id)
        .select_related("course")
        .order_by("-started_at")
        .first()
    )
    if enrollment is None:
        url = reverse("catalogue:module", args=[lesson.module.slug])
        return redirect(f"{url}#lesson-{lesson.slug}")
    return redirect("courses:lesson", course_slug=enrollment.course.slug, lesson_slug=lesson.slug)
