"""What a learner can take: courses, each a set of curriculum tracks."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import User


def validate_roles(value: object) -> None:
    """A course's roles are a list of distinct `User.ProfessionalRole` values."""
    if not isinstance(value, list) or not all(isinstance(role, str) for role in value):
        raise ValidationError(_("Roles must be a list of role codes."), code="invalid_roles")
    unknown = sorted(set(value) - set(User.ProfessionalRole.values))
    if unknown:
        raise ValidationError(
            _("Unknown roles: %(roles)s."),
            params={"roles": ", ".join(unknown)},
            code="unknown_roles",
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("A role is listed twice."), code="duplicate_roles")


class CourseQuerySet(models.QuerySet["Course"]):
    def published(self) -> "CourseQuerySet":
        return self.filter(is_published=True)

    def visible_to(self, user: User) -> "CourseQuerySet":
        """Published courses, and any course the person is already enrolled in (a course
        taken off the catalogue stays open to the people taking it)."""
        from courses.models.enrolment import Enrollment

        enrolled = Enrollment.objects.filter(course=models.OuterRef("pk"), user=user)
        return self.filter(models.Q(is_published=True) | models.Exists(enrolled))

    def visible_with_reading_version(self, user: User) -> "CourseQuerySet":
        """`visible_to(user)`, each course with `reading_version`: the curriculum version
        the person's latest cycle on it is pinned to (None before they start). A cycle
        proves enrolment, so one subquery does both jobs and a page knows which text to
        show before it loads anything else."""
        from courses.models.enrolment import EnrollmentCycle

        latest = EnrollmentCycle.objects.filter(
            enrollment__user=user, enrollment__course=models.OuterRef("pk")
        ).order_by("-number")
        return self.annotate(
            reading_version=models.Subquery(latest.values("content_version")[:1])
        ).filter(models.Q(is_published=True) | models.Q(reading_version__isnull=False))


class Course(models.Model):
    """A course: the core track plus (later) one role track, with its completion terms.

    Courses are content, like tracks and modules: they are defined in `courses.yaml` in
    the curriculum folder and loaded with the rest by `load_curriculum`, so a course's
    hours and validity are reviewed like any other change to the curriculum. `slug` is
    the file's `id` and never reused.
    """

    slug = models.SlugField(_("id"), max_length=64, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"))
    tracks = models.ManyToManyField(
        "curriculum.Track", related_name="courses", verbose_name=_("tracks")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    cpd_hours = models.DecimalField(
        _("CPD hours"),
        max_digits=5,
        decimal_places=1,
        help_text=_("Hours stated on certificates: total reading time in whole half hours."),
    )
    certificate_validity_days = models.PositiveIntegerField(
        _("certificate validity (days)"),
        default=730,
        help_text=_("How long a certificate stays valid; two years is common for renewals."),
    )
    roles = models.JSONField(
        _("offered to roles"),
        default=list,
        blank=True,
        validators=[validate_roles],
        help_text=_("Professional roles this course is offered to. Anyone may still enrol."),
    )
    is_published = models.BooleanField(_("published"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["order", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cpd_hours__gte=0), name="courses_course_cpd_hours_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(certificate_validity_days__gt=0),
                name="courses_course_validity_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("courses:course", kwargs={"course_slug": self.slug})

    def is_offered_to(self, role: str) -> bool:
        return role in self.roles
