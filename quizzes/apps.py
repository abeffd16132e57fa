from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = _("Quizzes")

    def ready(self) -> None:
        # quizzes sits above curriculum (DESIGN.md §2): its quiz files load and lint with
        # the curriculum's through the registry, after the curriculum's own kind.
        from accounts import personal_data
        from curriculum import registry
        from quizzes import personal_data as quizzes_personal_data
        from quizzes.content import QUIZZES_KIND

        registry.register(QUIZZES_KIND)
        if any(section.name == "quizzes" for section in personal_data.registered_sections()):
            return  # ready() may run twice (tests that reload apps).
        personal_data.register(
            name="quizzes",
            export=quizzes_personal_data.export_quizzes,
            erase=quizzes_personal_data.erase_quizzes,
            models=quizzes_personal_data.MODELS,
            description=_(
                "Your quiz attempts with your answers and marks, your private reflections, "
                "and any accommodation recorded for you."
            ),
        )
