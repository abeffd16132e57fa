"""Learner pages of a course: the course, its modules (with their quizzes and what
completing each takes), its lessons (after the module's content note), and the break
page.

Every page is the signed-in learner's own: courses are loaded through
`Course.objects.visible_with_reading_version(user)`, lessons and modules through the
course's outline at the learner's version (`courses.outline`), and progress and the reading place through the learner's own
enrolment, never by an id in the URL. Lessons of a course the learner has not started
send them to the course page, where "Start this course" is one explicit choice.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import profile_required, request_user
from accounts.links import reverse_once
from accounts.models import User
from courses import selectors, services, versions
from courses.models import Course
from courses.outline import CourseOutline, course_outline, edition_key
from courses.reading_state import reading_state
from curriculum.markdown import lesson_sections, render_markdown
from curriculum.models import Lesson


def _course(user: User, course_slug: str) -> Course:
    """The course, with the version the learner reads it at (`reading_version`)."""
    return get_object_or_404(Course.objects.visible_with_reading_version(user), slug=course_slug)


def _outline(course: Course) -> CourseOutline:
    """The course's outline at the version the learner is pinned to (the current one
    before they start)."""
    return course_outline(course, getattr(course, "reading_version", None))


def _lesson(course: Course, lesson_slug: str) -> Lesson:
    """The lesson with this slug in the learner's outline (the same lookup the lesson
    page uses; services still check membership themselves)."""
    outline = _outline(course)
    index = outline.index_of(lesson_slug)
    if index is None:
        raise Http404
    return outline.lesson(index)


def _not_started(request: HttpRequest, course: Course) -> HttpResponse:
    messages.info(request, _("Start the course to read its lessons. It takes one click."))
    return redirect(course)


@login_required
@profile_required
@require_GET
def course_detail(request: HttpRequest, course_slug: str) -> HttpResponse:
    user = request_user(request)
    course = _course(user, course_slug)
    cycle = selectors.current_cycle(user=user, course=course)
    outline = _outline(course)
    return render(
        request,
        "courses/course.html",
        {
            "course": course,
            "cycle": cycle,
            "progress": selectors.course_progress(
                outline=outline,
                completed=selectors.completed_lesson_ids(cycle=cycle),
                assessments=selectors.module_assessments(
                    user=user, cycle=cycle, module_ids=outline.module_ids()
                ),
            ),
            "resume": (
                services.resume_target(user=user, course=course, outline=outline) if cycle else None
            ),
            "edition_change": versions.offered_change(course=course, cycle=cycle, outline=outline),
        },
    )


@login_required
@profile_required
@require_POST
def start(request: HttpRequest, course_slug: str) -> HttpResponse:
    user = request_user(request)
    course = _course(user, course_slug)
    try:
        services.enroll_learner(user=user, course=course)
    except services.CourseError:
        messages.warning(request, _("This course cannot be started at the moment."))
        return redirect(course)
    messages.success(
        request,
        _("You have started %(course)s. Begin with any module: they can be read in any order.")
        % {"course": course.title},
    )
    return redirect(course)


@login_required
@profile_required
@require_POST
def move_edition(request: HttpRequest, course_slug: str) -> HttpResponse:
    """The learner's explicit step to the course's current edition (courses.versions)."""
    user = request_user(request)
    course = _course(user, course_slug)
    try:
        change = versions.move_learner(user=user, course=course)
    except services.NotEnrolled:
        return _not_started(request, course)
    except versions.CycleCompleted:
        messages.info(request, _("You have completed this course on the edition you read."))
        return redirect(course)
    if change is not None:
        messages.success(
            request,
            _("You are now reading edition %(version)s. Lessons you completed stay completed.")
            % {"version": change.to_version},
        )
    return redirect(course)


@login_required
@profile_required
@require_GET
def module_detail(request: HttpRequest, course_slug: str, module_slug: str) -> HttpResponse:
    user = request_user(request)
    course = _course(user, course_slug)
    outline = _outline(course)
    module = outline.module_by_slug(module_slug)
    if module is None:
        raise Http404
    cycle = selectors.current_cycle(user=user, course=course)
    lessons = selectors.module_lessons(
        outline=outline,
        module_id=module.pk,
        completed=selectors.completed_lesson_ids(cycle=cycle),
    )
    quizzes = selectors.module_quizzes(user=user, cycle=cycle, module_id=module.pk)
    completion = selectors.module_completion(module=module, lessons=lessons, quizzes=quizzes)
    return render(
        request,
        "courses/module.html",
        {
            "course": course,
            "module": module,
            "cycle": cycle,
            "lessons": lessons,
            "quizzes": quizzes,
            # Where "Begin" leads: the first lesson not yet completed, else the first.
            "next_lesson": next(
                (status.lesson for status in lessons if not status.is_completed),
                lessons[0].lesson if lessons else None,
            ),
            "progress": completion.progress,
            "completion": completion,
        },
    )


@login_required
@profile_required
@require_GET
def lesson_detail(request: HttpRequest, course_slug: str, lesson_slug: str) -> HttpResponse:
    user = request_user(request)
    # The course and the learner's whole state on it in one statement, and the lesson,
    # its module and its neighbours from the cached outline at the learner's version:
    # a page opened again makes one query of its own (DESIGN.md §7).
    state = reading_state(user=user, course_slug=course_slug, lesson_slug=lesson_slug)
    if state is None:
        raise Http404
    course = state.course
    outline = _outline(course)
    index = outline.index_of(lesson_slug)
    if index is None:
        raise Http404
    lesson = outline.lesson(index)
    try:
        opening = services.open_lesson(
            user=user, course=course, lesson=lesson, outline=outline, state=state
        )
    except services.NotEnrolled:
        return _not_started(request, course)
    # The page's form targets, reversed once per process: it is the page opened most.
    actions = {
        name: reverse_once(f"courses:{name}", course_slug=course.slug, lesson_slug=lesson.slug)
        for name in ("complete", "take_break", "save_place")
    }
    if opening.must_show_content_note:
        return render(
            request,
            "courses/content_note.html",
            {"course": course, "module": lesson.module, "lesson": lesson, "actions": actions},
        )
    return render(
        request,
        "courses/lesson.html",
        {
            "course": course,
            "actions": actions,
            "edition": edition_key(course, outline),
            "module": lesson.module,
            "lesson": lesson,
            "body_html": render_markdown(
                lesson.body,
                references=lesson.module.references,
                key=outline.lessons[index].markdown_key,
            ),
            "completed_at": opening.completed_at,
            "place": opening.place,
            "position": selectors.lesson_position(
                outline=outline,
                index=index,
                completed=state.completed_lessons,
            ),
        },
    )


@login_required
@profile_required
@require_POST
def acknowledge_note(request: HttpRequest, course_slug: str, module_slug: str) -> HttpResponse:
    user = request_user(request)
    course = _course(user, course_slug)
    outline = _outline(course)
    module = outline.module_by_slug(module_slug)
    if module is None:
        raise Http404
    index = outline.index_of(request.POST.get("lesson", ""))
    lesson = outline.lesson(index) if index is not None else None
    try:
        services.acknowledge_content_note(user=user, course=course, module=module)
    except services.NotEnrolled:
        return _not_started(request, course)
    if lesson is None or lesson.module_id != module.pk:
        return redirect("courses:module", course_slug=course.slug, module_slug=module.slug)
    target = services.resume_target(user=user, course=course, outline=outline)
    section = target.section_id if target is not None and target.lesson.pk == lesson.pk else ""
    return redirect(services.lesson_url(course=course, lesson=lesson, section_id=section))


@login_required
@profile_required
@require_POST
def mark_complete(request: HttpRequest, course_slug: str, lesson_slug: str) -> HttpResponse:
    user = request_user(request)
    course = _course(user, course_slug)
    lesson = _lesson(course, lesson_slug)
    try:
        services.mark_lesson_complete(user=user, course=course, lesson=lesson)
    except services.NotEnrolled:
        return _not_started(request, course)
    messages.success(request, _("“%(lesson)s” is marked as complete.") % {"lesson": lesson.title})
    return redirect(services.lesson_url(course=course, lesson=lesson))


@login_required
@profile_required
@require_POST
def take_break(request: HttpRequest, course_slug: str, lesson_slug: str) -> HttpResponse:
    user = request_user(request)
    course = _course(user, course_slug)
    lesson = _lesson(course, lesson_slug)
    section = request.POST.get("section", "")
    try:
        try:
            services.take_break(user=user, course=course, lesson=lesson, section_id=section)
        except services.InvalidSection:
            # A break must always work: without a usable section, the lesson is the place.
            services.take_break(user=user, course=course, lesson=lesson, section_id="")
    except services.NotEnrolled:
        return _not_started(request, course)
    return redirect("courses:break", course_slug=course.slug)


@login_required
@profile_required
@require_POST
def save_place(request: HttpRequest, course_slug: str, lesson_slug: str) -> HttpResponse:
    """Where the reader script sends the section being read as the learner leaves."""
    user = request_user(request)
    course = _course(user, course_slug)
    lesson = _lesson(course, lesson_slug)
    try:
        services.save_place(
            user=user, course=course, lesson=lesson, section_id=request.POST.get("section", "")
        )
    except services.InvalidSection:
        return HttpResponseBadRequest()
    except services.NotEnrolled:
        return HttpResponse(status=409)
    return HttpResponse(status=204)


@login_required
@profile_required
@require_GET
def break_page(request: HttpRequest, course_slug: str) -> HttpResponse:
    user = request_user(request)
    course = _course(user, course_slug)
    target = services.resume_target(user=user, course=course, outline=_outline(course))
    if target is None:
        return redirect(course)
    section_title = ""
    if target.section_id:
        section_title = next(
            (
                section.text
                for section in lesson_sections(target.lesson.body)
                if section.id == target.section_id
            ),
            "",
        )
    return render(
        request,
        "courses/break.html",
        {"course": course, "target": target, "section_title": section_title},
    )
