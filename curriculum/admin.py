"""The curriculum in the admin, to read only: the files under curriculum/content/ are
the source of truth, changed by review and `load_curriculum`, never here."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from accounts.admin import ReadOnlyAdmin
from curriculum.markdown import reference_html, render_markdown
from curriculum.models import CurriculumVersion, Lesson, Module, Track


class CurrentListFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "retired"

    def lookups(
        self,
        request: HttpRequest,
        model_admin: admin.ModelAdmin,
    ) -> list[tuple[str, str]]:
        return [("no", str(_("Current"))), ("yes", str(_("Retired")))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "no":
            return queryset.filter(retired_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(retired_at__isnull=False)
        return queryset


@admin.register(Track)
class TrackAdmin(ReadOnlyAdmin[Track]):
    list_display = ("title", "slug", "lang", "order", "retired_at")
    list_filter = (CurrentListFilter,)
    search_fields = ("slug", "title")


def version_history(module: Module) -> SafeString:
    """The curriculum versions in which the module's content changed, oldest first, with
    the changelog lines that name it: what an editor checks before a review."""
    key = f"{module.track.slug}/{module.slug}"
    rows: list[tuple[str, str, str, str]] = []
    previous: str | None = None
    for version in CurriculumVersion.objects.order_by("loaded_at", "pk"):
        content_hash = version.module_hashes.get(key)
        if content_hash is None or content_hash == previous:
            continue
        previous = content_hash
        lines = [line for line in version.changelog.splitlines() if key in line]
        rows.append(
            (
                version.version,
                f"{version.loaded_at:%Y-%m-%d}",
                content_hash[:12],
                " ".join(lines) or str(_("(not named in the changelog)")),
            )
        )
    if not rows:
        return format_html("{}", _("Not loaded in any version yet."))
    return format_html(
        "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
        "<tbody>{}</tbody></table>",
        _("Version"),
        _("Loaded"),
        _("Content hash"),
        _("Changelog"),
        format_html_join(
            "", "<tr><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>", rows
        ),
    )


class ReviewDueFilter(admin.SimpleListFilter):
    """Modules whose `next_review_on` has passed (docs/content-governance.md)."""

    title = _("review")
    parameter_name = "review_due"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("yes", str(_("Review due")))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.filter(next_review_on__lte=timezone.localdate())
        return queryset


@admin.register(Module)
class ModuleAdmin(ReadOnlyAdmin[Module]):
    list_display = (
        "title",
        "slug",
        "track",
        "order",
        "minutes",
        "review_status",
        "next_review_on",
        "retired_at",
    )
    list_filter = (CurrentListFilter, ReviewDueFilter, "review_status", "track")
    list_select_related = ("track",)
    search_fields = ("slug", "title")
    readonly_fields = ("history", "sources")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Module]:
        return super().get_queryset(request).select_related("track")

    @admin.display(description=_("Version history"))
    def history(self, obj: Module) -> SafeString:
        return version_history(obj)

    @admin.display(description=_("Sources as learners see them"))
    def sources(self, obj: Module) -> SafeString:
        return format_html(
            "<ol>{}</ol>",
            format_html_join("", "<li>{}</li>", ((reference_html(r),) for r in obj.references)),
        )


@admin.register(Lesson)
class LessonAdmin(ReadOnlyAdmin[Lesson]):
    list_display = ("title", "slug", "module", "order", "minutes", "change", "retired_at")
    list_filter = (CurrentListFilter, "change", "module__track", "module")
    list_select_related = ("module",)
    search_fields = ("slug", "title")
    fields = (
        "slug",
        "title",
        "module",
        "order",
        "minutes",
        "change",
        "lang",
        "content_hash",
        "created_at",
        "updated_at",
        "retired_at",
        "preview",
        "body",
        "history",
    )
    readonly_fields = ("preview", "history")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Lesson]:
        return super().get_queryset(request).select_related("module__track")

    @admin.display(description=_("Version history of its module"))
    def history(self, obj: Lesson) -> SafeString:
        return version_history(obj.module)

    @admin.display(description=_("Preview"))
    def preview(self, obj: Lesson) -> SafeString:
        # The same pipeline learners see, with the module's references as footnotes.
        return render_markdown(obj.body, references=obj.module.references)


@admin.register(CurriculumVersion)
class CurriculumVersionAdmin(ReadOnlyAdmin[CurriculumVersion]):
    list_display = ("version", "loaded_at")
    fields = ("version", "loaded_at", "changelog", "module_hashes")
    search_fields = ("version",)
