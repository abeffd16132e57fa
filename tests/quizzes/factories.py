import factory

from quizzes.models import Question, QuestionVersion, Quiz
from quizzes.parsing import body_hash
from tests.curriculum.factories import ModuleFactory


class QuizFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quiz

    slug = factory.Sequence(lambda n: f"quiz-{n}")
    module = factory.SubFactory(ModuleFactory)
    title = factory.Sequence(lambda n: f"Quiz {n}")
    purpose = Quiz.Purpose.PRACTICE
    intro = "A few questions. Nothing here is about you."
    lang = "en"
    change = Quiz.Change.EDITORIAL
    pass_mark = 70
    feedback_timing = Quiz.FeedbackTiming.AFTER_EACH
    content_hash = factory.Sequence(lambda n: f"{n:064x}")
    order = factory.Sequence(lambda n: n + 1)


def single_body(prompt: str = "Which of these is right?") -> dict[str, object]:
    return {
        "type": "single",
        "prompt": prompt,
        "lessons": [],
        "sources": ["R1"],
        "jurisdiction": [],
        "options": [
            {"id": f"o{n}", "text": f"Option {n}", "correct": n == 1, "feedback": "Because."}
            for n in (1, 2, 3)
        ],
    }


class QuestionFactory(factory.django.DjangoModelFactory):
    """A single question with its first version as the current one."""

    class Meta:
        model = Question
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"question-{n}")
    quiz = factory.SubFactory(QuizFactory)
    order = factory.Sequence(lambda n: n + 1)
    type = Question.Type.SINGLE

    @factory.post_generation
    def version(self, create: bool, extracted: object, **kwargs: object) -> None:
        if not create:
            return
        body = single_body()
        self.current_version = QuestionVersion.objects.create(
            question=self,
            number=1,
            content_hash=body_hash(body),
            body=body,
            max_score=1,
            content_version="1.0.0-draft",
        )
        self.save(update_fields=["current_version"])
