"""The reference curriculum as loaded from the files under curriculum/content/.

The files are the source of truth; these rows are what `load_curriculum` made of them.
Rows are never deleted: a track, module or lesson that disappears from the files is
retired (`retired_at` set), because enrolments, progress and completion records keep
pointing at it. Everything here is written by `curriculum.services` only.
"""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class CurriculumQuerySet[M: models.Model](models.QuerySet[M]):
    def current(self) -> "CurriculumQuerySet[M]":
        """Rows still present in the content files."""
        return self.filter(retired_at__isnull=True)


class Track(models.Model):
    """A track of modules: the shared core, or one profession's role track."""

    slug = models.SlugField(_("id"), max_length=64, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"))
    lang = models.CharField(_("language"), max_length=35)
    order = models.PositiveSmallIntegerField(_("order"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    objects = CurriculumQuerySet["Track"].as_manager()

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("track")
        verbose_name_plural = _("tracks")

    def __str__(self) -> str:
        return self.title


class Module(models.Model):
    """A module of one track: its metadata, objectives, content note and references."""

    class ReviewStatus(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEWED = "reviewed", _("Reviewed")
        PUBLISHED = "published", _("Published")

    slug = models.SlugField(_("id"), max_length=64, unique=True)
    # A module belongs to exactly one track; PROTECT because rows are retired, not deleted.
    track = models.ForeignKey(
        Track, on_delete=models.PROTECT, related_name="modules", verbose_name=_("track")
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"))
    order = models.PositiveSmallIntegerField(_("order"))
    minutes = models.PositiveSmallIntegerField(_("minutes"))
    principles = models.JSONField(_("principles"), default=list)
    jurisdictions = models.JSONField(_("jurisdictions"), default=list)
    objectives = models.JSONField(_("objectives"), default=list)
    content_note = models.TextField(_("content note"))
    coping = models.JSONField(_("coping options"), default=list)
    review_status = models.CharField(
        _("review status"), max_length=16, choices=ReviewStatus.choices
    )
    reviewers = models.JSONField(_("reviewers"), default=list)
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    next_review_on = models.DateField(_("next review on"), null=True, blank=True)
    # Each: id, authors, title, publisher or journal, year, identifier, verified.
    references = models.JSONField(_("references"), default=list)
    # sha256 over every file in the module's folder (lessons, module.yaml, and the files
    # other content kinds such as quizzes keep there): what a curriculum version pins.
    content_hash = models.CharField(_("content hash"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    objects = CurriculumQuerySet["Module"].as_manager()

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(review_status__in=["draft", "reviewed", "published"]),
                name="curriculum_module_review_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(minutes__gt=0), name="curriculum_module_minutes_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def reference(self, reference_id: str) -> dict[str, Any] | None:
        """The module's reference with this id, if it lists one."""
        for reference in self.references:
            if reference.get("id") == reference_id:
                return dict(reference)
        return None


class Lesson(models.Model):
    """One lesson of a module; `body` is the Markdown source, rendered by curriculum.markdown."""

    class Change(models.TextChoices):
        EDITORIAL = "editorial", _("Editorial")
        SUBSTANTIVE = "substantive", _("Substantive")

    slug = models.SlugField(_("id"), max_length=64, unique=True)
    module = models.ForeignKey(
        Module, on_delete=models.PROTECT, related_name="lessons", verbose_name=_("module")
    )
    title = models.CharField(_("title"), max_length=200)
    # The number prefix of the file name (`02-…md`).
    order = models.PositiveSmallIntegerField(_("order"))
    minutes = models.PositiveSmallIntegerField(_("minutes"))
    # The kind of the last edit, as the author declared it.
    change = models.CharField(_("change"), max_length=16, choices=Change.choices)
    lang = models.CharField(_("language"), max_length=35)
    body = models.TextField(_("body"))
    content_hash = models.CharField(_("content hash"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    objects = CurriculumQuerySet["Lesson"].as_manager()

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(change__in=["editorial", "substantive"]),
                name="curriculum_lesson_change_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(minutes__gt=0), name="curriculum_lesson_minutes_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CurriculumVersion(models.Model):
    """A curriculum version as loaded: its changelog section and what each module was."""

    version = models.CharField(_("version"), max_length=64, unique=True)
    changelog = models.TextField(_("changelog"), blank=True)
    # "<track-id>/<module-id>" -> content hash, for every current module.
    module_hashes = models.JSONField(_("module hashes"), default=dict)
    loaded_at = models.DateTimeField(_("loaded at"))

    class Meta:
        ordering = ["-loaded_at"]
        verbose_name = _("curriculum version")
        verbose_name_plural = _("curriculum versions")

    def __str__(self) -> str:
        return self.version


class ModuleRevision(models.Model):
    """A module as it was at one content hash: its fields and its lessons' text.

    Written by the loader whenever a module's files hash to something not seen before,
    never changed afterwards. A learner pinned to an earlier curriculum version reads
    the revisions that version's `module_hashes` name, so a later edition never changes
    what they are part-way through (CURRICULUM.md, "File format"; docs/versions.md).
    """

    module = models.ForeignKey(
        Module, on_delete=models.PROTECT, related_name="revisions", verbose_name=_("module")
    )
    content_hash = models.CharField(_("content hash"), max_length=64)
    # The version in force when this revision was first loaded (for the admin).
    first_version = models.CharField(_("first loaded in"), max_length=64)
    # The module's own fields at this hash (dates as ISO strings), and its current
    # lessons in order, each: id (the Lesson's pk), slug, title, minutes, order, body,
    # content_hash.
    fields = models.JSONField(_("module fields"))
    lessons = models.JSONField(_("lessons"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["module", "-created_at"]
        verbose_name = _("module revision")
        verbose_name_plural = _("module revisions")
        constraints = [
            models.UniqueConstraint(
                fields=["module", "content_hash"], name="curriculum_revision_unique_hash"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.module.slug} @ {self.content_hash[:12]}"
