"""Learners' attempts at quizzes, their answers, their private reflections, and the
accommodations that change their time and attempts.

Every row here is written by `quizzes.services` only. Grading happens on the server:
the browser sends which options were chosen, never a mark.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quizzes.models.bank import Question, QuestionVersion, Quiz


class AttemptQuerySet(models.QuerySet["Attempt"]):
    def first_attempts(self, quiz: Quiz) -> "AttemptQuerySet":
        """The attempts item analysis counts: each learner's submitted attempt number 1
        of kind standard (quizzes/item_analysis.py says why)."""
        return self.filter(
            quiz=quiz, kind=Attempt.Kind.STANDARD, number=1, submitted_at__isnull=False
        )


class Attempt(models.Model):
    """One learner's attempt at one quiz: the questions drawn for it (its answers, one
    per slot, in the order shown), its clock, and, once submitted, its score.

    At most one attempt per learner and quiz is open (not submitted), enforced by the
    database: two tabs or a double click can never start a second one.
    """

    class Kind(models.TextChoices):
        STANDARD = "standard", _("Standard")
        # Taken again for a renewal or refresher: left out of item analysis, which is
        # computed over each learner's first standard attempt.
        RENEWAL = "renewal", _("Renewal or refresher")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="attempts")
    # 1 for the learner's first attempt at the quiz, then 2, 3, ...
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.STANDARD)
    # Seeds the order options are shown in, so a page reloaded on another device shows
    # the same order without storing it per step.
    seed = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The clock, for timed quizzes only: the time allowed (the quiz's limit times the
    # learner's extra-time multiplier, fixed at the start), the seconds used before the
    # clock last started, and when it last started (null while stopped: on a break).
    seconds_allowed = models.PositiveIntegerField(null=True, blank=True)
    seconds_used = models.PositiveIntegerField(default=0)
    clock_started_at = models.DateTimeField(null=True, blank=True)
    on_break = models.BooleanField(default=False)
    # Once submitted: the score as a fraction of the maximum (each scored question
    # weighs the same), and whether it reached the quiz's pass mark.
    score = models.DecimalField(max_digits=7, decimal_places=6, null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ["quiz", "user", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "quiz", "number"], name="quizzes_attempt_unique_number"
            ),
            models.UniqueConstraint(
                fields=["user", "quiz"],
                condition=models.Q(submitted_at__isnull=True),
                name="quizzes_attempt_one_open",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["standard", "renewal"]),
                name="quizzes_attempt_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True)
                | models.Q(score__gte=Decimal(0), score__lte=Decimal(1)),
                name="quizzes_attempt_score_fraction",
            ),
            models.CheckConstraint(
                condition=models.Q(submitted_at__isnull=True)
                | models.Q(score__isnull=False, passed__isnull=False),
                name="quizzes_attempt_submitted_is_graded",
            ),
        ]
        indexes = [models.Index(fields=["quiz", "kind", "number"], name="quizzes_attempt_stats")]

    def __str__(self) -> str:
        return f"Attempt {self.number} of {self.user_id} at {self.quiz_id}"

    @property
    def is_open(self) -> bool:
        return self.submitted_at is None


class Answer(models.Model):
    """One slot of an attempt: the question version drawn for it and the learner's
    response; `mark` (a fraction of the question's maximum) once graded."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    # 1, 2, ...: the position the question is shown in.
    slot = models.PositiveSmallIntegerField()
    question_version = models.ForeignKey(
        QuestionVersion, on_delete=models.PROTECT, related_name="answers"
    )
    # What the learner chose, by option ids (quizzes.grading documents each shape).
    # Null until they answer; a scenario's path grows one decision at a time.
    response = models.JSONField(null=True, blank=True)
    # When the answer became final: when given, or when a scenario reached an ending.
    answered_at = models.DateTimeField(null=True, blank=True)
    mark = models.DecimalField(max_digits=7, decimal_places=6, null=True, blank=True)

    class Meta:
        ordering = ["attempt", "slot"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "slot"], name="quizzes_answer_unique_slot"),
            models.CheckConstraint(
                condition=models.Q(mark__isnull=True)
                | models.Q(mark__gte=Decimal(0), mark__lte=Decimal(1)),
                name="quizzes_answer_mark_fraction",
            ),
        ]

    def __str__(self) -> str:
        return f"Slot {self.slot} of attempt {self.attempt_id}"


class Reflection(models.Model):
    """A learner's private answer to a reflection prompt.

    Only its author ever sees it: it is in no admin, report, statistic or export but
    their own, and deleting it deletes the row. Kept apart from attempts so nothing
    that reads attempts can reach it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflections"
    )
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="quizzes_reflection_unique"),
        ]

    def __str__(self) -> str:
        return f"Reflection {self.pk}"


class Accommodation(models.Model):
    """What a learner's needs change about quizzes: more time on timed quizzes, and more
    attempts where attempts are limited. Written only by `quizzes.services`."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_accommodation"
    )
    extra_time_multiplier = models.DecimalField(
        max_digits=3, decimal_places=2, default=Decimal("1.00")
    )
    extra_attempts = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    extra_time_multiplier__gte=Decimal(1), extra_time_multiplier__lte=Decimal(4)
                ),
                name="quizzes_accommodation_multiplier_1_to_4",
            ),
            models.CheckConstraint(
                condition=models.Q(extra_attempts__lte=20),
                name="quizzes_accommodation_extra_attempts_at_most_20",
            ),
        ]

    def __str__(self) -> str:
        return f"Accommodation of {self.user_id}"
