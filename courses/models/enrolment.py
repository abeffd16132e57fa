"""A learner's place on a course, and the cycles (first run, re-takes, renewals) their
progress is recorded in."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import User


class EnrollmentQuerySet(models.QuerySet["Enrollment"]):
    def of(self, user: User) -> "EnrollmentQuerySet":
        """The person's own enrolments: the only way views load one."""
        return self.filter(user=user)


class Enrollment(models.Model):
    """One learner on one course, at most once (re-takes are new cycles, not new rows).

    `content_version` is the curriculum version (curriculum.CurriculumVersion) in force
    when the learner enrolled: records earned later name the version the learner
    actually studied, even after the curriculum moves on (DESIGN.md §4, flow 4).

    Progress does not hang off the enrolment itself but off its current
    `EnrollmentCycle`; see there for why.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments"
    )
    course = models.ForeignKey(
        "courses.Course", on_delete=models.PROTECT, related_name="enrollments"
    )
    content_version = models.CharField(max_length=64)
    started_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="courses_enrollment_unique"),
            models.CheckConstraint(
                condition=models.Q(completed_at__isnull=True)
                | models.Q(completed_at__gte=models.F("started_at")),
                name="courses_enrollment_completed_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"Enrolment {self.pk} of {self.user_id} on {self.course_id}"

    def get_absolute_url(self) -> str:
        return self.course.get_absolute_url()


class EnrollmentCycle(models.Model):
    """One run through the course: number 1 is the first; a re-take or a renewal adds the
    next number. Only one cycle of an enrolment is open (not completed) at a time.

    Every piece of progress (lessons read, modules entered, later quiz attempts) points
    at a cycle, not at the enrolment. That is what lets a re-take, a renewal or an
    agency's cohort arrive without migrating learner data: a re-take opens cycle 2 and
    starts from an empty page while cycle 1's record stays exactly as it was earned; a
    cohort window (DESIGN.md §5: an agency sees only work done inside its own cohorts'
    windows) selects cycles and progress by their times, without copying or moving
    anything. The cycle also pins its own `content_version`, so a renewal studied on a
    later curriculum says so.
    """

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="cycles")
    number = models.PositiveSmallIntegerField(default=1)
    content_version = models.CharField(max_length=64)
    started_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["enrollment", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "number"], name="courses_cycle_number_unique"
            ),
            models.UniqueConstraint(
                fields=["enrollment"],
                condition=models.Q(completed_at__isnull=True),
                name="courses_cycle_one_open",
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="courses_cycle_number_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"Cycle {self.number} of enrolment {self.enrollment_id}"
