from django.urls import path

from quizzes.views import breaks, intro, results, taking

app_name = "quizzes"

urlpatterns = [
    path("attempts/<int:attempt_id>/", results.results, name="results"),
    path("<slug:quiz_slug>/", intro.quiz_detail, name="quiz"),
    path("<slug:quiz_slug>/start/", intro.start, name="start"),
    path("<slug:quiz_slug>/attempt/", taking.take, name="take"),
    path("<slug:quiz_slug>/attempt/submit/", taking.submit, name="submit"),
    path("<slug:quiz_slug>/attempt/<int:slot>/answer/", taking.answer, name="answer"),
    path("<slug:quiz_slug>/attempt/<int:slot>/decide/", taking.decide, name="decide"),
    path(
        "<slug:quiz_slug>/reflections/<slug:question_slug>/",
        taking.reflection,
        name="reflection",
    ),
    # One address, two names: POST takes the break (`break`), GET is its page
    # (`break-page`). The view tells them apart by method; the second entry only names
    # the page for reverse().
    path("<slug:quiz_slug>/break/", breaks.take_break, name="break"),
    path("<slug:quiz_slug>/break/", breaks.take_break, name="break-page"),
]
