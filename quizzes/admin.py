"""Quizzes in the admin, to read only: the quiz files under curriculum/content/ are the
source of truth, changed by review and `load_curriculum`, never here. Each question
shows its versions, newest first, previewed through the one Markdown pipeline. Each quiz
links to its item analysis (quizzes.item_analysis), a page for content editors."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.admin import ReadOnlyAdmin
from curriculum.admin import CurrentListFilter
from curriculum.jurisdictions import label_text
from curriculum.markdown import render_markdown
from quizzes import graph
from quizzes.item_analysis import (
    ItemAnalysis,
    OptionFrequency,
    PathFrequency,
    VersionAnalysis,
    analyse_quiz,
    format_figure,
)
from quizzes.models import Question, QuestionVersion, Quiz
from quizzes.parsing import EXPERT_JUDGEMENT, MULTIPLE, ORDERING, SCENARIO, SINGLE

type References = Sequence[Mapping[str, Any]]


class ReadOnlyInline[M: Model](admin.TabularInline[M, Any]):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- A readable preview of a version's body ---------------------------------------------------


def _md(text: object, references: References) -> SafeString:
    return render_markdown(str(text or ""), references=references)


def _sources(sources: object) -> str:
    if sources == EXPERT_JUDGEMENT:
        return _("Rating based on expert judgement")
    return ", ".join(str(s) for s in sources) if isinstance(sources, list) and sources else "—"


def _about(body: Mapping[str, Any]) -> SafeString:
    """Lessons, sources and jurisdiction, where the body has them."""
    rows = [(_("Lessons"), ", ".join(body.get("lessons") or []) or "—")]
    if "sources" in body:
        rows.append((_("Sources"), _sources(body["sources"])))
    if body.get("jurisdiction"):
        rows.append((_("Jurisdiction"), label_text(list(body["jurisdiction"]))))
    return format_html("<dl>{}</dl>", format_html_join("", "<dt>{}</dt><dd>{}</dd>", rows))


def _choices(body: Mapping[str, Any], references: References) -> SafeString:
    if body["type"] in (SINGLE, MULTIPLE):
        rows = (
            (
                _("Correct") if option["correct"] else _("Not correct"),
                option["id"],
                _md(option["text"], references),
                _md(option["feedback"], references),
            )
            for option in body["options"]
        )
        title = _("Options")
    else:
        rows = (
            (
                str(position),
                item["id"],
                _md(item["text"], references),
                _md(item["feedback"], references),
            )
            for position, item in enumerate(body["items"], start=1)
        )
        title = _("Items, in the correct order")
    return format_html(
        "<table><caption>{}</caption><tbody>{}</tbody></table>",
        title,
        format_html_join(
            "",
            "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
            rows,
        ),
    )


def _scenario(body: Mapping[str, Any], references: References) -> SafeString:
    best = graph.best_path(graph.Graph.from_body(body))
    if best is not None:
        route = format_html(
            "<p>{} {} ({} {})</p>",
            _("Best path:"),
            " → ".join((*(choice.option for _step, choice in best.choices), best.ending)),
            _("score"),
            best.score,
        )
    else:
        route = format_html("<p>{}</p>", _("No path from the start reaches an ending."))
    steps = format_html_join(
        "",
        "<section><h4><code>{}</code></h4>{}<table><tbody>{}</tbody></table></section>",
        (
            (
                step["id"],
                _md(step["situation"], references),
                format_html_join(
                    "",
                    "<tr><td><code>{}</code></td><td>{}</td><td>{} ({})</td><td>→ <code>{}</code>"
                    "</td><td>{}</td><td>{}</td></tr>",
                    (
                        (
                            option["id"],
                            _md(option["text"], references),
                            option["rating"],
                            option["score"],
                            option["next"],
                            _md(option["feedback"], references),
                            _sources(option["sources"]),
                        )
                        for option in step["options"]
                    ),
                ),
            )
            for step in body["steps"]
        ),
    )
    endings = format_html_join(
        "",
        "<li><code>{}</code> {}</li>",
        ((ending["id"], _md(ending["text"], references)) for ending in body["endings"]),
    )
    return format_html(
        "<h3>{}</h3>{}<p>{} <code>{}</code></p>{}{}<h4>{}</h4><ul>{}</ul>",
        body["title"],
        _md(body["setting"], references),
        _("Start:"),
        body["start"],
        route,
        steps,
        _("Endings"),
        endings,
    )


def body_preview(body: Mapping[str, Any], references: References) -> SafeString:
    """A question version's body as a reviewer reads it: every text rendered through the
    one Markdown pipeline, every id, flag, rating, score and next shown."""
    kind = body.get("type")
    if kind == SCENARIO:
        main = _scenario(body, references)
    else:
        main = _md(body.get("prompt"), references)
        if kind == MULTIPLE or (kind == ORDERING and body.get("scoring")):
            main = format_html("{}<p>{} {}</p>", main, _("Scoring:"), body["scoring"])
        if kind in (SINGLE, MULTIPLE, ORDERING):
            main = format_html("{}{}", main, _choices(body, references))
        else:
            main = format_html("{}<p>{}</p>", main, _("Private writing: never scored or shown."))
    return format_html('<div class="quiz-preview">{}{}</div>', main, _about(body))


# --- Item analysis, as the page shows it ---------------------------------------------------

# The histogram's geometry, in SVG user units (the viewBox; CSS scales the whole).
CHART_WIDTH, CHART_HEIGHT = 600, 250
CHART_LEFT, CHART_BASELINE, CHART_TALLEST = 10, 205, 170
CHART_SLOT = (CHART_WIDTH - 2 * CHART_LEFT) // 10
CHART_BAR = 44


def _percent(part: int, whole: int) -> str:
    return format_figure(100 * part / whole if whole else None, 1)


def _scaled(value: float | None) -> float | None:
    return None if value is None else 100 * value


@dataclass(frozen=True)
class Bar:
    """One score band in the histogram, with where it is drawn."""

    label: str
    count: int
    share: str
    x: int
    y: int
    height: int
    middle: int
    count_y: int


@dataclass(frozen=True)
class Frequency:
    """One line of a frequency table: an option, item or path and how many chose it."""

    option: OptionFrequency | PathFrequency
    share: str


@dataclass(frozen=True)
class Step:
    id: str
    decided: int
    options: tuple[Frequency, ...]


@dataclass(frozen=True)
class VersionRow:
    """A question version's figures as the page prints them: percentages of the
    maximum for facility and sd, the two indices as they are; "" where undefined."""

    version: VersionAnalysis
    type_label: str
    question_url: str
    unanswered: int
    facility: str
    sd: str
    discrimination_index: str
    discriminative_efficiency: str
    options: tuple[Frequency, ...]
    steps: tuple[Step, ...]
    paths: tuple[Frequency, ...]


def score_chart(report: ItemAnalysis) -> tuple[Bar, ...]:
    """The score distribution as histogram bars, the tallest band at full height."""
    tallest = max((band.count for band in report.bands), default=0)
    bars = []
    for index, band in enumerate(report.bands):
        height = round(CHART_TALLEST * band.count / tallest) if tallest else 0
        x = CHART_LEFT + index * CHART_SLOT + (CHART_SLOT - CHART_BAR) // 2
        bars.append(
            Bar(
                label=f"{band.low}\N{EN DASH}{band.high}%",
                count=band.count,
                share=_percent(band.count, report.attempts),
                x=x,
                y=CHART_BASELINE - height,
                height=height,
                middle=x + CHART_BAR // 2,
                count_y=CHART_BASELINE - height - 6,
            )
        )
    return tuple(bars)


def _frequencies(
    entries: Sequence[OptionFrequency | PathFrequency], whole: int
) -> tuple[Frequency, ...]:
    return tuple(Frequency(option=entry, share=_percent(entry.count, whole)) for entry in entries)


def version_row(version: VersionAnalysis) -> VersionRow:
    """A version's figures and choices, formatted for the page."""
    return VersionRow(
        version=version,
        type_label=str(Question.Type(version.type).label),
        question_url=reverse("admin:quizzes_question_change", args=[version.question_id]),
        unanswered=version.attempts - version.answered,
        facility=format_figure(_scaled(version.facility), 2),
        sd=format_figure(_scaled(version.sd), 2),
        discrimination_index=format_figure(version.discrimination_index, 2),
        discriminative_efficiency=format_figure(version.discriminative_efficiency, 2),
        options=_frequencies(version.options, version.attempts),
        steps=tuple(
            Step(id=step.id, decided=step.decided, options=_frequencies(step.options, step.decided))
            for step in version.steps
        ),
        paths=_frequencies(version.paths, version.attempts),
    )


# --- Quizzes -------------------------------------------------------------------------------


class QuestionInline(ReadOnlyInline[Question]):
    model = Question
    fields = ("order", "slug", "type", "version", "retired_at")
    readonly_fields = fields
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[Question]:
        return super().get_queryset(request).select_related("current_version")

    @admin.display(description=gettext_lazy("current version"))
    def version(self, obj: Question) -> str:
        return f"v{obj.current_version.number}" if obj.current_version else "—"


@admin.register(Quiz)
class QuizAdmin(ReadOnlyAdmin[Quiz]):
    list_display = ("title", "slug", "module", "purpose", "order", "pass_mark", "retired_at")
    list_filter = (CurrentListFilter, "purpose", "module__track", "module")
    list_select_related = ("module",)
    search_fields = ("slug", "title")
    fields = (
        "slug",
        "title",
        "module",
        "purpose",
        "order",
        "lang",
        "change",
        "pass_mark",
        "attempts_allowed",
        "draw",
        "shuffle_questions",
        "shuffle_options",
        "feedback_timing",
        "time_limit_minutes",
        "content_hash",
        "created_at",
        "updated_at",
        "retired_at",
        "intro_preview",
        "intro",
    )
    readonly_fields = ("intro_preview",)
    inlines = (QuestionInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Quiz]:
        return super().get_queryset(request).select_related("module")

    @admin.display(description=gettext_lazy("Introduction as learners see it"))
    def intro_preview(self, obj: Quiz) -> SafeString:
        return render_markdown(obj.intro, references=obj.module.references)

    def get_urls(self) -> list[URLPattern]:
        # Ahead of the admin's own: its catch-all would read "item-analysis" as an id.
        return [
            path(
                "<path:object_id>/item-analysis/",
                self.admin_site.admin_view(self.item_analysis_view),
                name="quizzes_quiz_item_analysis",
            ),
            *super().get_urls(),
        ]

    def item_analysis_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The quiz's item analysis, for content editors: staff (admin_view) who may
        view quizzes. Aggregates only; reflections are never read."""
        quiz = self.get_object(request, unquote(object_id))
        if quiz is None:
            raise Http404(_("There is no such quiz."))
        if not self.has_view_permission(request, quiz):
            raise PermissionDenied
        report = analyse_quiz(quiz=quiz)
        bars = score_chart(report)
        fullest = max(bar.count for bar in bars)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "quiz": quiz,
            "title": _("Item analysis: %(quiz)s") % {"quiz": quiz.title},
            "report": report,
            "bars": bars,
            # For the chart's description: the fullest band or bands (ties all named).
            "fullest_count": fullest,
            "fullest_labels": ", ".join(bar.label for bar in bars if bar.count == fullest),
            "chart": {
                "width": CHART_WIDTH,
                "height": CHART_HEIGHT,
                "baseline": CHART_BASELINE,
                "bar": CHART_BAR,
                "label_y": CHART_BASELINE + 20,
                "right": CHART_WIDTH - CHART_LEFT,
                "left": CHART_LEFT,
            },
            "rows": [version_row(version) for version in report.versions],
        }
        return TemplateResponse(request, "admin/quizzes/quiz/item_analysis.html", context)


# --- Questions and their versions --------------------------------------------------------------


class QuestionVersionInline(ReadOnlyInline[QuestionVersion]):
    model = QuestionVersion
    fields = ("number", "content_version", "max_score", "created_at", "content_hash", "preview")
    readonly_fields = fields
    ordering = ("-number",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[QuestionVersion]:
        return super().get_queryset(request).select_related("question__quiz__module")

    @admin.display(description=gettext_lazy("preview"))
    def preview(self, obj: QuestionVersion) -> SafeString:
        return body_preview(obj.body, obj.question.quiz.module.references)


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin[Question]):
    list_display = ("slug", "quiz", "type", "order", "version", "retired_at")
    list_filter = (CurrentListFilter, "type", "quiz__module__track", "quiz")
    list_select_related = ("quiz", "current_version")
    search_fields = ("slug", "quiz__slug")
    fields = (
        "slug",
        "quiz_link",
        "order",
        "type",
        "version",
        "created_at",
        "updated_at",
        "retired_at",
        "preview",
    )
    readonly_fields = ("quiz_link", "version", "preview")
    inlines = (QuestionVersionInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Question]:
        return super().get_queryset(request).select_related("quiz__module", "current_version")

    @admin.display(description=gettext_lazy("quiz"))
    def quiz_link(self, obj: Question) -> SafeString:
        url = reverse("admin:quizzes_quiz_change", args=[obj.quiz_id])
        return format_html('<a href="{}">{}</a>', url, obj.quiz)

    @admin.display(description=gettext_lazy("current version"))
    def version(self, obj: Question) -> str:
        return f"v{obj.current_version.number}" if obj.current_version else "—"

    @admin.display(description=gettext_lazy("Current version as learners see it"))
    def preview(self, obj: Question) -> SafeString:
        if obj.current_version is None:
            return format_html("{}", "—")
        return body_preview(obj.current_version.body, obj.quiz.module.references)
