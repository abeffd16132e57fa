"""Fill the database with learners for benchmarks (DESIGN.md §7: 10,000 learners).

Learners are made in bulk with unusable passwords and marked as demo accounts, so
`check --deploy` refuses a database that still holds them. Each learner is enrolled in
the Core course with some lessons read, so pages run against realistic table sizes.
The last lines printed are a session cookie and a lesson path for bench/serve_ratio.py.
"""

import itertools
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import DEMO_EMAIL_DOMAIN, User
from courses import services
from courses.models import Course, Enrollment, EnrollmentCycle, LessonProgress
from curriculum.models import CurriculumVersion, Lesson

BATCH = 2000
BENCH_EMAIL = f"bench@{DEMO_EMAIL_DOMAIN}"


class Command(BaseCommand):
    help = (
        "Create bench learners in bulk and print a session cookie and lesson path for benchmarks."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--learners", type=int, default=10_000)

    def handle(self, *args: Any, learners: int, **options: Any) -> None:
        if not Lesson.objects.current().exists():
            call_command("load_curriculum", verbosity=0)
        course = Course.objects.filter(slug="core").first()
        if course is None:
            raise CommandError("The Core course is missing: check curriculum/content/courses.yaml.")
        lessons = list(
            Lesson.objects.current()
            .filter(module__track__courses=course)
            .order_by("module__order", "order")
        )
        version = (
            CurriculumVersion.objects.order_by("-loaded_at")
            .values_list("version", flat=True)
            .first()
            or ""
        )
        existing = User.objects.filter(email__startswith="bench-learner-").count()
        self._create_learners(
            range(existing, learners), course=course, lessons=lessons, version=version
        )
        self.stdout.write(
            f"{User.objects.filter(email__startswith='bench-learner-').count()} bench learners"
        )

        bench_user, _ = User.objects.get_or_create(
            email=BENCH_EMAIL,
            defaults={
                "is_demo": True,
                "professional_role": User.ProfessionalRole.OTHER,
                "country": "GB",
                "profile_completed_at": timezone.now(),
                "password": make_password(None),
            },
        )
        services.enroll_learner(user=bench_user, course=course)
        lesson = lessons[0]
        # Past the content note, so the benchmark measures the lesson itself.
        services.acknowledge_content_note(user=bench_user, course=course, module=lesson.module)
        store = SessionStore()
        store["_auth_user_id"] = str(bench_user.pk)
        store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        store["_auth_user_hash"] = bench_user.get_session_auth_hash()
        store.create()
        self.stdout.write(f"COOKIE=sessionid={store.session_key}")
        self.stdout.write(
            "LESSON_PATH=" + reverse("courses:lesson", args=[course.slug, lesson.slug])
        )

    def _create_learners(
        self, numbers: range, *, course: Course, lessons: list[Lesson], version: str
    ) -> None:
        unusable = make_password(None)
        now = timezone.now()
        for chunk in itertools.batched(numbers, BATCH, strict=False):
            with transaction.atomic():
                users = User.objects.bulk_create(
                    User(
                        email=f"bench-learner-{n}@{DEMO_EMAIL_DOMAIN}",
                        password=unusable,
                        is_demo=True,
                        professional_role=User.ProfessionalRole.OTHER,
                        country="GB",
                        profile_completed_at=now,
                    )
                    for n in chunk
                )
                enrollments = Enrollment.objects.bulk_create(
                    Enrollment(user=user, course=course, content_version=version) for user in users
                )
                cycles = EnrollmentCycle.objects.bulk_create(
                    EnrollmentCycle(enrollment=enrollment, number=1, content_version=version)
                    for enrollment in enrollments
                )
                # Learner n has read the first n % (lessons + 1) lessons: a spread of progress.
                LessonProgress.objects.bulk_create(
                    LessonProgress(cycle=cycle, lesson=lesson, completed_at=now)
                    for n, cycle in zip(chunk, cycles, strict=True)
                    for lesson in lessons[: n % (len(lessons) + 1)]
                )
