"""The curriculum in the admin, to read only: the files under curriculum/content/ are
the source of truth, changed by review and `load_curriculum`, never here."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from accounts.admin import ReadOnlyAdmin
from curriculum.markdown import render_markdown
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


@admin.register(Module)
class ModuleAdmin(ReadOnlyAdmin[Module]):
    list_display = ("title", "slug", "track", "order", "minutes", "review_status", "retired_at")
    list_filter = (CurrentListFilter, "review_status", "track")
    list_select_related = ("track",)
    search_fields = ("slug", "title")


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
    )
    readonly_fields = ("preview",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Lesson]:
        return super().get_queryset(request).select_related("module")

    @admin.display(description=_("Preview"))
    def preview(self, obj: Lesson) -> SafeString:
        # The same pipeline learners see, with the module's references as footnotes.
        return render_markdown(obj.body, references=obj.module.references)


@admin.register(CurriculumVersion)
class CurriculumVersionAdmin(ReadOnlyAdmin[CurriculumVersion]):
    list_display = ("version", "loaded_at")
    search_fields = ("version",)
