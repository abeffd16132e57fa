"""The course pages at their edges: sign-in, the happy path, and other people's data."""

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from courses import services
from courses.models import Course, LessonProgress, ModuleEntry, ReadingPlace
from courses.outline import course_lessons
from curriculum.models import Lesson
from tests.accounts.factories import UserFactory
from tests.courses.factories import CourseFactory
from tests.curriculum.factories import LessonFactory, ModuleFactory, TrackFactory
from tests.test_pages import assert_wears_the_site_layout, by_id, find_all, parse

pytestmark = pytest.mark.django_db


def first_lesson(course: Course) -> Lesson:
    lesson = course_lessons(course).select_related("module").first()
    assert lesson is not None
    return lesson


def lesson_url(course: Course, lesson: Lesson) -> str:
    return reverse(
        "courses:lesson", kwargs={"course_slug": course.slug, "lesson_slug": lesson.slug}
    )


def page_urls(course: Course, lesson: Lesson) -> list[str]:
    kwargs = {"course_slug": course.slug}
    return [
        reverse("courses:course", kwargs=kwargs),
        reverse("courses:module", kwargs={**kwargs, "module_slug": lesson.module.slug}),
        lesson_url(course, lesson),
        reverse("courses:break", kwargs=kwargs),
    ]


def test_every_page_needs_a_signed_in_learner(client: Client, core: Course) -> None:
    lesson = first_lesson(core)
    for url in page_urls(core, lesson):
        response = client.get(url)
        assert response.status_code == HTTPStatus.FOUND, url
        assert response["Location"].startswith(reverse("account_login")), url
    kwargs = {"course_slug": core.slug, "lesson_slug": lesson.slug}
    for name in ("courses:complete", "courses:take_break", "courses:save_place"):
        response = client.post(reverse(name, kwargs=kwargs))
        assert response.status_code == HTTPStatus.FOUND, name
        assert response["Location"].startswith(reverse("account_login"))
    assert not ReadingPlace.objects.exists()


def test_pages_send_a_learner_without_a_role_to_the_profile_step(
    client: Client, core: Course
) -> None:
    client.force_login(UserFactory(profile_completed_at=None, professional_role=""))
    response = client.get(reverse("courses:course", kwargs={"course_slug": core.slug}))
    assert response["Location"] == reverse("accounts:onboarding")


def test_an_unpublished_course_is_not_found(learner_client: Client) -> None:
    course = CourseFactory(is_published=False)
    response = learner_client.get(reverse("courses:course", kwargs={"course_slug": course.slug}))
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_course_page_offers_to_start_and_lists_modules_with_their_review_status(
    learner_client: Client, core: Course
) -> None:
    response = learner_client.get(reverse("courses:course", kwargs={"course_slug": core.slug}))

    assert response.status_code == HTTPStatus.OK
    assert_wears_the_site_layout(response)
    html = response.content.decode()
    assert "Start this course" in html
    assert "Core module 1" in html and "Core module 2" in html
    assert "Draft, pending expert review" in html
    assert "About 20 minutes" in html


def test_starting_a_course_enrols_the_learner_and_returns_to_the_course(
    learner_client: Client, learner: User, core: Course
) -> None:
    url = reverse("courses:start", kwargs={"course_slug": core.slug})
    response = learner_client.post(url)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == core.get_absolute_url()
    # Twice is the same as once.
    learner_client.post(url)
    assert learner.enrollments.count() == 1

    page = learner_client.get(core.get_absolute_url()).content.decode()
    assert "Start this course" not in page
    assert "0 of 4 lessons complete" in page
    assert page.count("<progress") == 3  # the course and each module


def test_start_only_accepts_post(learner_client: Client, core: Course) -> None:
    response = learner_client.get(reverse("courses:start", kwargs={"course_slug": core.slug}))
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_a_lesson_of_a_course_not_started_redirects_to_the_course_page(
    learner_client: Client, core: Course
) -> None:
    response = learner_client.get(lesson_url(core, first_lesson(core)))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == core.get_absolute_url()
    assert not ReadingPlace.objects.exists()


def test_a_lesson_outside_the_course_is_not_found(
    learner_client: Client, learner: User, core: Course
) -> None:
    services.enroll_learner(user=learner, course=core)
    elsewhere = LessonFactory(module=ModuleFactory(track=TrackFactory(slug="le")))
    assert learner_client.get(lesson_url(core, elsewhere)).status_code == HTTPStatus.NOT_FOUND


def test_a_lesson_retired_by_a_load_is_not_found_once_the_course_is_touched(
    learner_client: Client, learner: User, core: Course
) -> None:
    # The lesson page reads the course's cached outline; the content loader touches every
    # course when a load changes anything (courses.content), which retires the outline.
    services.enroll_learner(user=learner, course=core)
    lesson = first_lesson(core)
    services.acknowledge_content_note(user=learner, course=core, module=lesson.module)
    assert learner_client.get(lesson_url(core, lesson)).status_code == HTTPStatus.OK
    Lesson.objects.filter(pk=lesson.pk).update(retired_at=timezone.now())
    Course.objects.filter(pk=core.pk).update(updated_at=timezone.now())
    assert learner_client.get(lesson_url(core, lesson)).status_code == HTTPStatus.NOT_FOUND


def test_the_first_lesson_opened_shows_the_content_note_then_the_lesson(
    learner_client: Client, learner: User, core: Course
) -> None:
    services.enroll_learner(user=learner, course=core)
    lesson = course_lessons(core).select_related("module")[1]
    url = lesson_url(core, lesson)

    note = learner_client.get(url)

    assert note.status_code == HTTPStatus.OK
    assert_wears_the_site_layout(note)
    page = parse(note.content.decode())
    assert lesson.module.content_note in note.content.decode()
    assert "Continue to the lesson" in note.content.decode()
    assert "Not now" in note.content.decode()
    assert "Take a break" in note.content.decode()
    assert find_all(page, "a", href=reverse("support"))
    assert "data-reader-body" not in note.content.decode()

    response = learner_client.post(
        reverse(
            "courses:acknowledge_note",
            kwargs={"course_slug": core.slug, "module_slug": lesson.module.slug},
        ),
        {"lesson": lesson.slug},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == url

    shown = learner_client.get(url)
    html = shown.content.decode()
    assert_wears_the_site_layout(shown)
    assert "data-reader-body" in html
    assert 'id="why-this-matters"' in html
    # The cited reference is a numbered footnote at the end.
    assert 'class="footnote"' in html and "SAMHSA" in html
    assert "Mark as complete" in html
    assert html.count("Take a break") == 1
    assert 'class="break-bar"' in html
    assert "/static/js/reader.js" in html
    assert ModuleEntry.objects.get().content_note_seen_at is not None
    assert LessonProgress.objects.filter(lesson=lesson).exists()


def test_lesson_page_links_the_previous_and_next_lessons_of_the_course(
    learner_client: Client, learner: User, core: Course
) -> None:
    services.enroll_learner(user=learner, course=core)
    lessons = list(course_lessons(core).select_related("module"))
    for module in {lesson.module for lesson in lessons}:
        services.acknowledge_content_note(user=learner, course=core, module=module)

    # The last lesson of the first module leads on to the next module.
    html = learner_client.get(lesson_url(core, lessons[1])).content.decode()

    nav = find_all(parse(html), "nav", **{"class": "lesson-nav"})[0]
    hrefs = [a.attrs["href"] for a in find_all(nav, "a")]
    assert hrefs == [lesson_url(core, lessons[0]), lesson_url(core, lessons[2])]


def test_marking_a_lesson_complete_shows_progress(
    learner_client: Client, learner: User, core: Course
) -> None:
    services.enroll_learner(user=learner, course=core)
    lesson = first_lesson(core)
    services.acknowledge_content_note(user=learner, course=core, module=lesson.module)

    response = learner_client.post(
        reverse("courses:complete", kwargs={"course_slug": core.slug, "lesson_slug": lesson.slug})
    )

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == lesson_url(core, lesson)
    html = learner_client.get(response["Location"]).content.decode()
    page = parse(html)
    assert "is marked as complete" in html
    assert "Mark as complete" not in html
    assert "You have completed this lesson." in html
    module_bar = by_id(page, "module-progress")
    assert (module_bar.attrs["value"], module_bar.attrs["max"]) == ("1", "2")
    course_bar = by_id(page, "course-progress")
    assert (course_bar.attrs["value"], course_bar.attrs["max"]) == ("1", "4")
    assert "1 of 4 lessons complete" in html


def test_take_break_saves_the_section_and_shows_the_calm_break_page(
    learner_client: Client, learner: User, core: Course
) -> None:
    services.enroll_learner(user=learner, course=core)
    lesson = first_lesson(core)
    kwargs = {"course_slug": core.slug, "lesson_slug": lesson.slug}

    response = learner_client.post(
        reverse("courses:take_break", kwargs=kwargs), {"section": "what-it-looks-like-in-practice"}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("courses:break", kwargs={"course_slug": core.slug})
    page = learner_client.get(response["Location"])
    assert_wears_the_site_layout(page)
    html = page.content.decode()
    assert "Your place is saved" in html
    assert "What it looks like in practice" in html
    tree = parse(html)
    resume = next(a for a in find_all(tree, "a") if a.text == "Resume")
    assert resume.attrs["href"] == lesson_url(core, lesson) + "#what-it-looks-like-in-practice"
    assert find_all(tree, "a", href=reverse("support"))
    assert "Nobody else can see that you took a break" in html


def test_a_break_with_an_unusable_section_still_saves_the_lesson(
    learner_client: Client, learner: User, core: Course
) -> None:
    services.enroll_learner(user=learner, course=core)
    lesson = first_lesson(core)
    response = learner_client.post(
        reverse(
            "courses:take_break", kwargs={"course_slug": core.slug, "lesson_slug": lesson.slug}
        ),
        {"section": "<not a heading>"},
    )
    assert response.status_code == HTTPStatus.FOUND
    place = ReadingPlace.objects.get()
    assert (place.lesson_id, place.section_id, place.on_break) == (lesson.pk, "", True)


def test_save_place_answers_no_content_and_refuses_a_made_up_section(
    learner_client: Client, learner: User, core: Course
) -> None:
    services.enroll_learner(user=learner, course=core)
    lesson = first_lesson(core)
    url = reverse(
        "courses:save_place", kwargs={"course_slug": core.slug, "lesson_slug": lesson.slug}
    )

    assert learner_client.post(url, {"section": "why-this-matters"}).status_code == 204
    assert ReadingPlace.objects.get().section_id == "why-this-matters"
    assert learner_client.post(url, {"section": "elsewhere"}).status_code == 400
    assert ReadingPlace.objects.get().section_id == "why-this-matters"


def test_the_break_page_without_a_place_goes_back_to_the_course(
    learner_client: Client, learner: User, core: Course
) -> None:
    services.enroll_learner(user=learner, course=core)
    response = learner_client.get(reverse("courses:break", kwargs={"course_slug": core.slug}))
    assert response["Location"] == core.get_absolute_url()


def test_no_one_else_sees_a_learners_break_or_place(
    client: Client, learner: User, core: Course
) -> None:
    services.enroll_learner(user=learner, course=core)
    lesson = course_lessons(core)[3]
    services.take_break(user=learner, course=core, lesson=lesson, section_id="why-this-matters")
    someone_else = UserFactory()
    services.enroll_learner(user=someone_else, course=core)
    client.force_login(someone_else)

    # The break page has no id in its address: it is always the visitor's own.
    response = client.get(reverse("courses:break", kwargs={"course_slug": core.slug}))
    assert response["Location"] == core.get_absolute_url()
    for url in (core.get_absolute_url(), reverse("accounts:dashboard")):
        html = client.get(url).content.decode()
        assert lesson.title not in html, url
        assert "Continue where you left off" not in html, url

    # Nor can they move it: their own posts write their own place.
    client.post(
        reverse("courses:take_break", kwargs={"course_slug": core.slug, "lesson_slug": lesson.slug})
    )
    mine = ReadingPlace.objects.get(enrollment__user=learner)
    assert (mine.lesson_id, mine.section_id) == (lesson.pk, "why-this-matters")


def test_module_page_shows_the_content_note_coping_options_objectives_and_lessons(
    learner_client: Client, learner: User, core: Course
) -> None:
    lesson = first_lesson(core)
    url = reverse(
        "courses:module", kwargs={"course_slug": core.slug, "module_slug": lesson.module.slug}
    )

    before = learner_client.get(url)
    assert before.status_code == HTTPStatus.OK
    assert_wears_the_site_layout(before)
    html = before.content.decode()
    assert lesson.module.content_note in html
    for option in lesson.module.coping:
        assert option in html
    assert "Define trauma as event, experience and effect" in html
    assert lesson.title in html
    # Not started: lessons are listed, not linked, and the course can be started here.
    assert lesson_url(core, lesson) not in html
    assert "Start this course" in html

    services.enroll_learner(user=learner, course=core)
    services.mark_lesson_complete(user=learner, course=core, lesson=lesson)
    after = learner_client.get(url).content.decode()
    assert lesson_url(core, lesson) in after
    assert "1 of 2 lessons complete" in after


def test_continuing_from_the_module_page_counts_as_reading_its_content_note(
    learner_client: Client, learner: User, core: Course
) -> None:
    first = first_lesson(core)
    module = first.module
    services.enroll_learner(user=learner, course=core)
    services.mark_lesson_complete(user=learner, course=core, lesson=first)
    second = course_lessons(core).filter(module=module).exclude(pk=first.pk).first()
    assert second is not None
    module_url = reverse(
        "courses:module", kwargs={"course_slug": core.slug, "module_slug": module.slug}
    )
    page = learner_client.get(module_url).content.decode()
    # The button leads to the first lesson not yet completed.
    assert f'name="lesson" value="{second.slug}"' in page

    response = learner_client.post(
        reverse(
            "courses:acknowledge_note",
            kwargs={"course_slug": core.slug, "module_slug": module.slug},
        ),
        {"lesson": second.slug},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(lesson_url(core, second))
    lesson_page = learner_client.get(lesson_url(core, second))
    # Straight into the lesson: the content note is not shown a second time.
    assert lesson_page.templates[0].name == "courses/lesson.html"


def test_dashboard_offers_the_core_course_and_then_shows_progress_and_the_place(
    learner_client: Client, learner: User, core: Course
) -> None:
    html = learner_client.get(reverse("accounts:dashboard")).content.decode()
    assert "Core" in html
    assert "Start this course" in html
    assert "Continue where you left off" not in html

    services.enroll_learner(user=learner, course=core)
    lesson = first_lesson(core)
    services.mark_lesson_complete(user=learner, course=core, lesson=lesson)
    services.take_break(user=learner, course=core, lesson=lesson, section_id="why-this-matters")

    response = learner_client.get(reverse("accounts:dashboard"))
    assert_wears_the_site_layout(response)
    html = response.content.decode()
    page = parse(html)
    continue_link = next(a for a in find_all(page, "a") if a.text == "Continue where you left off")
    assert continue_link.attrs["href"] == lesson_url(core, lesson) + "#why-this-matters"
    assert "1 of 4 lessons complete" in html
    assert "Start this course" not in html


def test_dashboard_offers_a_learner_of_any_role_the_core_course(
    client: Client, core: Course
) -> None:
    client.force_login(UserFactory(professional_role=User.ProfessionalRole.PROSECUTOR))
    assert "Start this course" in client.get(reverse("accounts:dashboard")).content.decode()


def test_dashboard_says_so_when_no_course_is_open(learner_client: Client) -> None:
    html = learner_client.get(reverse("accounts:dashboard")).content.decode()
    assert "No course is open yet" in html
