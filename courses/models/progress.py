"""What a learner has read, which modules they have entered, and where they stopped."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Heading anchors made by the Markdown pipeline are short slugs; services check the form.
SECTION_ID_MAX_LENGTH = 100


class LessonProgress(models.Model):
    """A lesson seen, and perhaps completed, in one cycle.

    Completion is a fact the learner stated: once set, `completed_at` is never cleared
    (courses.services.mark_lesson_complete). The lesson is protected: lessons are
    retired, never deleted, and a retired lesson keeps the progress made on it, which
    still counts for the cycle it was made in.
    """

    cycle = models.ForeignKey(
        "courses.EnrollmentCycle", on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(
        "curriculum.Lesson", on_delete=models.PROTECT, related_name="learner_progress"
    )
    first_viewed_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    # The curriculum version in force when the lesson was completed: the text the learner
    # read. Set with completed_at and never changed, so a later edition of the lesson
    # does not rewrite what this completion was of.
    content_version = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "lesson"], name="courses_lessonprogress_unique"
            ),
        ]
        indexes = [models.Index(fields=["lesson", "cycle"], name="courses_progress_lesson_idx")]

    def __str__(self) -> str:
        return f"Lesson {self.lesson_id} in cycle {self.cycle_id}"

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None


class ModuleEntry(models.Model):
    """The first time a learner entered a module in a cycle, whichever lesson they opened.

    The module's content note is shown on that first entry and not again in the cycle
    once the learner has chosen to continue (DESIGN.md §6): `content_note_seen_at` is
    when they did. A new cycle shows it again: months may have passed.
    """

    cycle = models.ForeignKey(
        "courses.EnrollmentCycle", on_delete=models.CASCADE, related_name="module_entries"
    )
    module = models.ForeignKey(
        "curriculum.Module", on_delete=models.PROTECT, related_name="learner_entries"
    )
    entered_at = models.DateTimeField(default=timezone.now)
    content_note_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = _("module entries")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "module"], name="courses_moduleentry_unique"),
        ]

    def __str__(self) -> str:
        return f"Module {self.module_id} in cycle {self.cycle_id}"


class ReadingPlace(models.Model):
    """Where the learner stopped reading a course: a lesson and a section of it, and
    whether they stopped for a break.

    Private to the learner by construction. DESIGN.md §5: breaks are never recorded for
    anyone but the learner. The place is one row per enrolment that is overwritten
    each time, so it keeps no history of when or how often someone paused; it is read
    only by the learner's own pages (loaded through their own enrolment, never by an id
    in the URL) and by their own data export. Agency dashboards, reports and exports
    must never join it: they read cycles and progress, and this model is deliberately
    not reachable from them. Kept server-side so that "Resume" works on any device.
    """

    enrollment = models.OneToOneField(
        "courses.Enrollment", on_delete=models.CASCADE, related_name="reading_place"
    )
    # A lost place costs the learner a click, not their record; it goes with its lesson.
    lesson = models.ForeignKey(
        "curriculum.Lesson", on_delete=models.CASCADE, related_name="reading_places"
    )
    section_id = models.CharField(max_length=SECTION_ID_MAX_LENGTH, blank=True)
    saved_at = models.DateTimeField(default=timezone.now)
    on_break = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"Place in enrolment {self.enrollment_id}"
