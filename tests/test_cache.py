"""A cache outage degrades pages; it never raises into a request."""

import socket

import pytest

from config.cache import ResilientRedisCache


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def unreachable_cache() -> ResilientRedisCache:
    return ResilientRedisCache(
        f"redis://127.0.0.1:{_closed_port()}/0",
        {"OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}},
    )


def test_reads_miss_and_writes_are_dropped_when_redis_is_down(
    unreachable_cache: ResilientRedisCache,
) -> None:
    assert unreachable_cache.get("k", "fallback") == "fallback"
    assert unreachable_cache.get_many(["a", "b"]) == {}
    assert unreachable_cache.set("k", 1) is None
    assert unreachable_cache.add("k", 1) is False
    assert unreachable_cache.delete("k") is False
    assert unreachable_cache.has_key("k") is False


def test_rate_limit_counters_open_rather_than_lock_everyone_out(
    unreachable_cache: ResilientRedisCache,
) -> None:
    assert unreachable_cache.incr("hits", 1) == 1
