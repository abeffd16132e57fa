"""The dashboard's panel registry: apps above accounts show their part of the dashboard
without accounts importing them."""

import copy
from collections.abc import Iterator
from http import HTTPStatus
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

from accounts import dashboard
from accounts.models import User
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

PANELS = {
    "tests/first_panel.html": '<section><h2>First</h2><p id="first">{{ panel.greeting }}</p></section>',
    "tests/second_panel.html": '<section><h2>Second</h2><p id="second">{{ panel.count }}</p></section>',
}


@pytest.fixture
def only_test_panels(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No panels but the ones a test registers, and their templates in memory."""
    monkeypatch.setattr(dashboard, "_panels", {})
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["APP_DIRS"] = False
    templates[0]["OPTIONS"]["loaders"] = [
        ("django.template.loaders.locmem.Loader", PANELS),
        "django.template.loaders.filesystem.Loader",
        "django.template.loaders.app_directories.Loader",
    ]
    settings.TEMPLATES = templates
    yield


def test_the_dashboard_renders_registered_panels_in_order_with_their_context(
    client: Client, only_test_panels: None
) -> None:
    seen: list[int] = []

    def second(user: User) -> dict[str, Any]:
        seen.append(user.pk)
        return {"count": 42}

    dashboard.register_panel(template="tests/second_panel.html", context=second, order=20)
    dashboard.register_panel(
        template="tests/first_panel.html",
        context=lambda user: {"greeting": f"Hello {user.get_short_name()}"},
        order=10,
    )
    user = UserFactory(display_name="Sam")
    client.force_login(user)

    response = client.get(reverse("accounts:dashboard"))

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert '<p id="first">Hello Sam</p>' in html
    assert '<p id="second">42</p>' in html
    assert html.index("First") < html.index("Second")
    assert seen == [user.pk]


def test_registered_panels_are_listed_in_order(only_test_panels: None) -> None:
    dashboard.register_panel(template="b.html", context=lambda user: {}, order=5)
    dashboard.register_panel(template="a.html", context=lambda user: {}, order=5)
    dashboard.register_panel(template="c.html", context=lambda user: {}, order=1)
    assert [p.template for p in dashboard.registered_panels()] == ["c.html", "a.html", "b.html"]


def test_a_panel_template_is_registered_once(only_test_panels: None) -> None:
    dashboard.register_panel(template="a.html", context=lambda user: {}, order=1)
    with pytest.raises(ImproperlyConfigured, match="already exists"):
        dashboard.register_panel(template="a.html", context=lambda user: {}, order=2)
    dashboard.unregister_panel(template="a.html")
    assert dashboard.registered_panels() == ()


def test_the_dashboard_without_panels_still_renders(client: Client, only_test_panels: None) -> None:
    client.force_login(UserFactory())
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == HTTPStatus.OK
    assert "Your account" in response.content.decode()
