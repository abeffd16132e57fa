"""Courses in the admin, to read only: they are content (courses.yaml beside the
curriculum), changed by review and `load_curriculum`, never here.

Enrolments, progress and reading places are deliberately not in the admin. A learner's
progress is theirs (DESIGN.md §5); staff reads of it will come with the agency pages,
audited, and the reading place (breaks) is never shown to anyone but the learner.
"""

from django.contrib import admin

from accounts.admin import ReadOnlyAdmin
from courses.models import Course


@admin.register(Course)
class CourseAdmin(ReadOnlyAdmin[Course]):
    list_display = (
        "title",
        "slug",
        "order",
        "cpd_hours",
        "certificate_validity_days",
        "is_published",
    )
    list_filter = ("is_published",)
    search_fields = ("slug", "title")
    filter_horizontal = ("tracks",)
