"""How the browser tests find Chromium, and what they do without it: skip on a
developer's machine, fail in CI."""

from pathlib import Path

import pytest

from tests.e2e.conftest import find_chromium, require_chromium


def _nowhere(name: str) -> str | None:
    return None


def test_chromium_path_from_the_environment_wins(tmp_path: Path) -> None:
    chromium = tmp_path / "chromium"
    chromium.write_text("#!/bin/sh\n")
    chromium.chmod(0o755)
    path, how = find_chromium({"CHROMIUM_PATH": str(chromium)}, _nowhere, ())
    assert path == str(chromium)
    assert "CHROMIUM_PATH" in how


def test_a_wrong_chromium_path_is_reported_not_replaced_by_another_browser() -> None:
    path, why = find_chromium(
        {"CHROMIUM_PATH": "/nonexistent/chromium"}, lambda name: f"/usr/bin/{name}", ()
    )
    assert path is None
    assert "/nonexistent/chromium" in why


def test_chromium_browser_on_path_is_found() -> None:
    def which(name: str) -> str | None:
        return "/opt/bin/chromium-browser" if name == "chromium-browser" else None

    assert find_chromium({}, which, ("/nonexistent/chromium",))[0] == "/opt/bin/chromium-browser"


def test_without_chromium_browser_tests_skip_on_a_developer_machine() -> None:
    with pytest.raises(pytest.skip.Exception, match="Browser tests need Chromium"):
        require_chromium({"CHROMIUM_PATH": "/nonexistent/chromium"}, _nowhere, ())


def test_without_chromium_browser_tests_fail_in_ci() -> None:
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        require_chromium({"CI": "true"}, _nowhere, ("/nonexistent/chromium",))
