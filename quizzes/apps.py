from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = _("Quizzes")

    def ready(self) -> None:
        # quizzes sits above curriculum (DESIGN.md §2): its quiz files load and lint with
        # the curriculum's through the registry, after the curriculum's own kind.
        from curriculum import registry
        from quizzes.content import QUIZZES_KIND

        registry.register(QUIZZES_KIND)
