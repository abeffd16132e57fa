"""The public "Curriculum" pages: what Steadfast teaches, so that an agency or a learner
can judge the content before signing up (courses, tracks, modules, hours, version,
review status, changelog and sources), and the stable addresses the lessons' internal
links point at (`module:<id>` and `lesson:<id>` in the Markdown).

No learner data is read here except, for a signed-in reader following a lesson link,
their own enrolments.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from accounts.decorators import request_user
from courses import catalogue
from courses.models import Course
from curriculum.models import Lesson, Module


@require_GET
def curriculum_overview(request: HttpRequest) -> HttpResponse:
    return render(
        request, "catalogue/curriculum.html", {"catalogue": catalogue.curriculum_catalogue()}
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
    enrollment = catalogue.latest_enrollment_with(user=user, lesson=lesson)
    if enrollment is None:
        url = reverse("catalogue:module", args=[lesson.module.slug])
        return redirect(f"{url}#lesson-{lesson.slug}")
    return redirect("courses:lesson", course_slug=enrollment.course.slug, lesson_slug=lesson.slug)
