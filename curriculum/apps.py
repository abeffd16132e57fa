from django.apps import AppConfig


class CurriculumConfig(AppConfig):
    name = "curriculum"
    verbose_name = "Curriculum"

    def ready(self) -> None:
        # The curriculum's own content kind (tracks, modules, lessons, VERSION) goes
        # first; quizzes and courses register theirs from their own ready(), after us.
        from curriculum.registry import register
        from curriculum.services import CURRICULUM_KIND

        register(CURRICULUM_KIND)
