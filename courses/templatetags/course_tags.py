"""Template helpers for the course pages."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_stubs_ext import StrOrPromise

from courses.selectors import Progress

register = template.Library()

# What each review status means for a reader, said plainly (CURRICULUM.md: the first
# edition ships as draft, pending expert review, and nothing pretends a review happened).
REVIEW_STATUS_LABELS: dict[str, StrOrPromise] = {
    "draft": gettext_lazy("Draft, pending expert review"),
    "reviewed": gettext_lazy("Reviewed by experts, not yet published"),
    "published": gettext_lazy("Published after expert review"),
}


@register.filter
def review_status_label(status: str) -> StrOrPromise:
    return REVIEW_STATUS_LABELS.get(status, REVIEW_STATUS_LABELS["draft"])


@register.filter
def reading_time(minutes: int) -> str:
    """“About 25 minutes”, “About 1 hour 10 minutes”: reading time in words."""
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return ngettext("About %(minutes)d minute", "About %(minutes)d minutes", rest) % {
            "minutes": rest
        }
    hours_text = ngettext("%(hours)d hour", "%(hours)d hours", hours) % {"hours": hours}
    if not rest:
        return _("About %(hours)s") % {"hours": hours_text}
    minutes_text = ngettext("%(minutes)d minute", "%(minutes)d minutes", rest) % {"minutes": rest}
    return _("About %(hours)s %(minutes)s") % {"hours": hours_text, "minutes": minutes_text}


@register.simple_tag
def progress_bar(progress: Progress, id: str, label: str) -> SafeString:
    """One progress bar with its words: a label tied to a `<progress>` element, whose
    text is the percentage for agents that do not draw the bar. A tag rather than an
    include because the lesson page shows two on every request."""
    words = _("%(completed)s of %(total)s lessons complete") % {
        "completed": progress.completed,
        "total": progress.total,
    }
    return format_html(
        '<label class="progress-label" for="{}">{}: {}</label>\n'
        '<progress id="{}" max="{}" value="{}">{}%</progress>',
        id,
        label,
        words,
        id,
        progress.total or 1,
        progress.completed,
        progress.percent,
    )
