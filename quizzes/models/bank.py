"""The question bank as loaded from the quiz files beside each module
(`<track-id>/<module-id>/quiz-*.yaml`, docs/quiz-format.md).

The files are the source of truth; these rows are what `load_curriculum` made of them,
written by `quizzes.content` only. Rows are never deleted: a quiz or question that
disappears from the files is retired (`retired_at` set), because attempts and item
statistics keep pointing at it.

A question's text lives in its versions. Editing a question in its file keeps its id
and adds a `QuestionVersion`; the question row points at its current one. A version is
never changed once written: attempts record the version they were answered on, and
statistics are kept per version.
"""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from curriculum.models import CurriculumQuerySet, Module


class Quiz(models.Model):
    """One quiz file: a module's scenario quiz, knowledge check, or another quiz of it."""

    class Purpose(models.TextChoices):
        # Counts towards completion (the module's scenario quiz).
        ASSESSMENT = "assessment", _("Assessment")
        PRACTICE = "practice", _("Practice")

    class Change(models.TextChoices):
        EDITORIAL = "editorial", _("Editorial")
        SUBSTANTIVE = "substantive", _("Substantive")

    class FeedbackTiming(models.TextChoices):
        AFTER_EACH = "after-each", _("After each question")
        AFTER_SUBMISSION = "after-submission", _("After submission")

    slug = models.SlugField(_("id"), max_length=64, unique=True)
    # PROTECT because rows are retired, not deleted.
    module = models.ForeignKey(
        Module, on_delete=models.PROTECT, related_name="quizzes", verbose_name=_("module")
    )
    title = models.CharField(_("title"), max_length=200)
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    # Markdown source, rendered through curriculum.markdown when shown.
    intro = models.TextField(_("introduction"))
    lang = models.CharField(_("language"), max_length=35)
    # The kind of the file's last edit, as the author declared it.
    change = models.CharField(_("change"), max_length=16, choices=Change.choices)
    # Percent of the maximum score.
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"))
    # Null: unlimited. Accommodations add to a limit; they never change this row.
    attempts_allowed = models.PositiveSmallIntegerField(
        _("attempts allowed"), null=True, blank=True
    )
    # Null: every question; N: draw N of the current questions (a pool).
    draw = models.PositiveSmallIntegerField(_("questions drawn"), null=True, blank=True)
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=False)
    # Scenario options and ordering items are shown shuffled whatever this says.
    shuffle_options = models.BooleanField(_("shuffle options"), default=True)
    feedback_timing = models.CharField(_("feedback"), max_length=16, choices=FeedbackTiming.choices)
    # Null: no clock (the default); a break stops it.
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"), null=True, blank=True
    )
    # sha256 of the file (normalised as module hashes see it): what the changelog rule
    # compares with the files.
    content_hash = models.CharField(_("content hash"), max_length=64)
    # Position among the module's quiz files, by file name (1, 2, ...).
    order = models.PositiveSmallIntegerField(_("order"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    objects = CurriculumQuerySet["Quiz"].as_manager()

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(purpose__in=["assessment", "practice"]),
                name="quizzes_quiz_purpose_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(change__in=["editorial", "substantive"]),
                name="quizzes_quiz_change_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(feedback_timing__in=["after-each", "after-submission"]),
                name="quizzes_quiz_feedback_timing_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(pass_mark__gte=1, pass_mark__lte=100),
                name="quizzes_quiz_pass_mark_1_to_100",
            ),
            models.CheckConstraint(
                condition=models.Q(attempts_allowed__isnull=True)
                | models.Q(attempts_allowed__gte=1),
                name="quizzes_quiz_attempts_allowed_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(draw__isnull=True) | models.Q(draw__gte=1),
                name="quizzes_quiz_draw_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(time_limit_minutes__isnull=True)
                | models.Q(time_limit_minutes__gte=1),
                name="quizzes_quiz_time_limit_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    """A question of a quiz, by its id in the file; its text is in its versions."""

    class Type(models.TextChoices):
        SINGLE = "single", _("Single answer")
        MULTIPLE = "multiple", _("Multiple answers")
        ORDERING = "ordering", _("Ordering")
        SCENARIO = "scenario", _("Scenario")
        # Private writing: never scored, never shown to anyone but its author.
        REFLECTION = "reflection", _("Reflection")

    slug = models.SlugField(_("id"), max_length=64, unique=True)
    quiz = models.ForeignKey(
        Quiz, on_delete=models.PROTECT, related_name="questions", verbose_name=_("quiz")
    )
    # Position in its quiz file (1, 2, ...): the order shown unless shuffled.
    order = models.PositiveSmallIntegerField(_("order"))
    type = models.CharField(_("type"), max_length=16, choices=Type.choices)
    # The version the files hold now. Null only for the moment between creating a new
    # question and its first version, inside the load's transaction.
    current_version = models.ForeignKey(
        "QuestionVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current version"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    objects = CurriculumQuerySet["Question"].as_manager()

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    type__in=["single", "multiple", "ordering", "scenario", "reflection"]
                ),
                name="quizzes_question_type_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.slug


class VersionIsImmutable(Exception):
    """A question version was about to be changed or deleted after it was written."""


class QuestionVersionQuerySet(models.QuerySet["QuestionVersion"]):
    # Attempts point at versions and statistics are kept per version: a bulk update or
    # delete would rewrite history, so the queryset refuses both.
    def update(self, **kwargs: Any) -> int:
        raise VersionIsImmutable("Question versions are never changed once written.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise VersionIsImmutable("Question versions are never deleted.")


class QuestionVersion(models.Model):
    """A question's content as one edit of its file stated it; immutable once written."""

    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="versions", verbose_name=_("question")
    )
    # 1 for the question's first version, then 2, 3, ...
    number = models.PositiveIntegerField(_("number"))
    # sha256 of `body` as canonical JSON: the same content is the same version, so a
    # question edited back to an earlier text points at that earlier version again.
    content_hash = models.CharField(_("content hash"), max_length=64)
    # The question as the file states it, normalised (texts stripped, optional lists
    # present and empty): type; prompt, or title, setting and start; scoring; lessons;
    # sources (reference ids, or "expert judgement"); jurisdiction; and options, items,
    # or steps and endings, each with its id, text, feedback, and (as the type has
    # them) correct, rating, score and next. Grading reads this, never the files.
    body = models.JSONField(_("body"))
    # The highest score a learner can reach: the best path's total for a scenario, 1
    # for single, multiple and ordering, 0 for a reflection (never scored).
    max_score = models.PositiveIntegerField(_("maximum score"))
    # The curriculum VERSION loaded when this version was first written.
    content_version = models.CharField(_("curriculum version"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = QuestionVersionQuerySet.as_manager()

    class Meta:
        ordering = ["question_id", "number"]
        verbose_name = _("question version")
        verbose_name_plural = _("question versions")
        constraints = [
            models.UniqueConstraint(
                fields=["question", "number"], name="quizzes_version_unique_number"
            ),
            models.UniqueConstraint(
                fields=["question", "content_hash"], name="quizzes_version_unique_hash"
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="quizzes_version_number_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question.slug} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise VersionIsImmutable("Question versions are never changed once written.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise VersionIsImmutable("Question versions are never deleted.")
