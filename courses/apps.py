from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self) -> None:
        # courses sits above accounts and curriculum (DESIGN.md §2): it plugs into their
        # registries here instead of either importing courses.
        from accounts import dashboard, personal_data
        from courses import content
        from courses import personal_data as courses_personal_data
        from courses.dashboard import panel_context
        from curriculum import registry

        registry.register(content.COURSES_KIND)
        personal_data.register(
            name="enrolments",
            export=courses_personal_data.export_enrolments,
            erase=courses_personal_data.erase_enrolments,
            models=courses_personal_data.MODELS,
            description=_(
                "Your courses, the lessons you have read and completed, the modules you "
                "have entered, and the place you last stopped reading."
            ),
        )
        dashboard.register_panel(
            template="courses/dashboard_panel.html", context=panel_context, order=10
        )
