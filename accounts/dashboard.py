"""The dashboard's panels: how apps above accounts show something on the learner's
dashboard without accounts importing them.

DESIGN.md §2: imports flow one way (`accounts` ← `curriculum` ← `quizzes` ← `courses`),
and where a lower app must show a higher one's data, the higher app registers with the
lower one. An app registers a panel from its `AppConfig.ready()`:

    from accounts import dashboard

    dashboard.register_panel(
        template="courses/dashboard_panel.html",
        context=panel_context,  # (user) -> dict, read by the template as `panel`
        order=10,
    )

The dashboard renders the registered panels in `order` (lowest first). Each panel's
`context` runs once per dashboard view and must run a fixed number of queries whatever
the person holds: the dashboard's query budget (tests/accounts/test_query_budgets.py)
counts them.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from accounts.models import User

PanelContext = Callable[[User], dict[str, Any]]


@dataclass(frozen=True)
class Panel:
    template: str
    context: PanelContext
    order: int


@dataclass(frozen=True)
class RenderedPanel:
    """A panel ready for the dashboard template: `{% include panel.template %}` with
    `panel.context` in scope as `panel`."""

    template: str
    context: dict[str, Any]


_panels: dict[str, Panel] = {}


def register_panel(*, template: str, context: PanelContext, order: int) -> None:
    """Show a panel on every learner's dashboard; call from AppConfig.ready()."""
    if template in _panels:
        raise ImproperlyConfigured(f"A dashboard panel with template {template!r} already exists.")
    _panels[template] = Panel(template=template, context=context, order=order)


def unregister_panel(*, template: str) -> None:
    """Remove a panel (for tests that register a fake one)."""
    del _panels[template]


def registered_panels() -> tuple[Panel, ...]:
    """Return the panels in the order the dashboard shows them."""
    return tuple(sorted(_panels.values(), key=lambda panel: (panel.order, panel.template)))


def panels_for(user: User) -> list[RenderedPanel]:
    """Return every registered panel with its context for this person."""
    return [
        RenderedPanel(template=panel.template, context=panel.context(user))
        for panel in registered_panels()
    ]
