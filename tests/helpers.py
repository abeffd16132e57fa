"""Assertions shared by several apps' tests."""

from collections.abc import Callable
from http import HTTPStatus

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def assert_page_queries_do_not_grow(
    client: Client, url: str, make_row: Callable[[], object]
) -> None:
    """Open `url` with 2 rows and with 20 made by `make_row`: the query count must match."""
    client.get(url)  # allauth records the session on the first request

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == HTTPStatus.OK
        return len(queries)

    for _ in range(2):
        make_row()
    few = count()
    for _ in range(18):
        make_row()
    assert count() == few
