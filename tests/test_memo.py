"""The process-local memo in front of the shared cache (config.memo)."""

import threading
from collections.abc import Callable
from unittest import mock

from django.core.cache import cache

from config.memo import LocalMemo, clear_local_memos


class Builder:
    """A build function that counts its calls and makes a new value each time."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.calls = 0

    def __call__(self) -> dict[str, object]:
        self.calls += 1
        return {"key": self.key, "build": self.calls}


def refuse() -> object:
    raise AssertionError("build must not be called")


def test_a_value_is_built_once_then_served_from_the_process() -> None:
    memo = LocalMemo(size=4, timeout=60)
    build = Builder("outline")

    first = memo.get_or_build("outline", build, kind=dict)
    # Built, and stored in the shared cache for the other processes.
    assert first == {"key": "outline", "build": 1}
    assert cache.get("outline") == first

    again = memo.get_or_build("outline", build, kind=dict)
    # The very object held in the process: the shared cache would give back a copy.
    assert again is first
    assert build.calls == 1

    cache.delete("outline")
    assert memo.get_or_build("outline", build, kind=dict) is first
    assert build.calls == 1
    # Served without going back to the shared cache: nothing wrote it again.
    assert cache.get("outline") is None


def test_a_memoised_value_is_served_without_touching_the_shared_cache() -> None:
    memo = LocalMemo(size=4, timeout=60)
    value = memo.get_or_build("sections", Builder("sections"), kind=dict)

    with mock.patch("config.memo.cache") as shared:
        assert memo.get_or_build("sections", refuse, kind=dict) is value

    assert shared.mock_calls == []


def test_a_built_value_goes_to_the_shared_cache_with_the_memos_timeout() -> None:
    memo = LocalMemo(size=4, timeout=1234)
    build = Builder("html")

    with mock.patch("config.memo.cache") as shared:
        shared.get.return_value = None
        value = memo.get_or_build("html", build, kind=dict)

    shared.get.assert_called_once_with("html")
    shared.set.assert_called_once_with("html", value, 1234)


def test_a_value_already_in_the_shared_cache_is_used_without_building() -> None:
    memo = LocalMemo(size=4, timeout=60)
    cache.set("outline", {"from": "another process"})

    assert memo.get_or_build("outline", refuse, kind=dict) == {"from": "another process"}
    # And from then on from the process, even once the shared cache has lost it.
    cache.delete("outline")
    assert memo.get_or_build("outline", refuse, kind=dict) == {"from": "another process"}


def test_a_shared_value_of_the_wrong_kind_is_rebuilt_and_overwritten() -> None:
    memo = LocalMemo(size=4, timeout=60)
    # Written by older code, in the shape it used then.
    cache.set("outline", ["an", "old", "shape"])
    build = Builder("outline")

    value = memo.get_or_build("outline", build, kind=dict)

    assert value == {"key": "outline", "build": 1}
    assert build.calls == 1
    assert cache.get("outline") == value


def test_the_least_recently_used_entry_is_evicted_beyond_the_size() -> None:
    memo = LocalMemo(size=2, timeout=60)
    builds = {key: Builder(key) for key in ("a", "b", "c")}
    first_a = memo.get_or_build("a", builds["a"], kind=dict)
    first_b = memo.get_or_build("b", builds["b"], kind=dict)
    memo.get_or_build("a", builds["a"], kind=dict)  # touched: now b is the oldest
    first_c = memo.get_or_build("c", builds["c"], kind=dict)
    # Only the process can answer now.
    cache.clear()

    assert memo.get_or_build("a", builds["a"], kind=dict) is first_a
    assert memo.get_or_build("c", builds["c"], kind=dict) is first_c
    assert (builds["a"].calls, builds["c"].calls) == (1, 1)

    rebuilt_b = memo.get_or_build("b", builds["b"], kind=dict)
    assert rebuilt_b is not first_b
    assert builds["b"].calls == 2


def test_an_entry_served_from_the_shared_cache_counts_towards_the_size() -> None:
    memo = LocalMemo(size=1, timeout=60)
    cache.set("a", {"key": "a"})
    cache.set("b", {"key": "b"})
    memo.get_or_build("a", refuse, kind=dict)
    memo.get_or_build("b", refuse, kind=dict)
    cache.clear()
    build_a = Builder("a")

    assert memo.get_or_build("b", refuse, kind=dict) == {"key": "b"}
    assert memo.get_or_build("a", build_a, kind=dict) == {"key": "a", "build": 1}


def test_clearing_local_memos_forgets_process_values_but_not_shared_ones() -> None:
    memo = LocalMemo(size=4, timeout=60)
    build = Builder("outline")
    first = memo.get_or_build("outline", build, kind=dict)

    clear_local_memos()

    # The shared cache still has it: a copy, not the object the process held.
    second = memo.get_or_build("outline", build, kind=dict)
    assert second == first
    assert second is not first
    assert build.calls == 1

    clear_local_memos()
    cache.delete("outline")

    third = memo.get_or_build("outline", build, kind=dict)
    assert third == {"key": "outline", "build": 2}
    assert build.calls == 2


def test_clearing_local_memos_clears_every_memo() -> None:
    memos = {f"value-{n}": LocalMemo(size=4, timeout=60) for n in range(3)}
    for key, memo in memos.items():
        memo.get_or_build(key, Builder(key), kind=dict)

    clear_local_memos()
    cache.clear()

    builds = {key: Builder(key) for key in memos}
    for key, memo in memos.items():
        memo.get_or_build(key, builds[key], kind=dict)
    assert [build.calls for build in builds.values()] == [1, 1, 1]


def test_concurrent_callers_each_get_their_value_and_the_memo_stays_within_its_size() -> None:
    memo = LocalMemo(size=3, timeout=60)
    keys = [f"key-{n}" for n in range(10)]
    threads_count = 8
    start = threading.Barrier(threads_count)
    wrong: list[tuple[str, object]] = []
    errors: list[BaseException] = []

    def build_for(key: str) -> Callable[[], dict[str, str]]:
        return lambda: {"key": key}

    def worker(offset: int) -> None:
        try:
            start.wait()
            for round_ in range(20):
                key = keys[(offset + round_) % len(keys)]
                value = memo.get_or_build(key, build_for(key), kind=dict)
                if value != {"key": key}:
                    wrong.append((key, value))
        except BaseException as error:  # the test reports it
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert wrong == []
    assert 0 < len(memo._values) <= 3
    for key, value in memo._values.items():
        assert value == {"key": key}


def test_a_value_missing_everywhere_is_built_when_no_kind_is_given() -> None:
    memo = LocalMemo(size=4, timeout=60)
    build = Builder("plain")

    value = memo.get_or_build("plain", build)

    assert value == {"key": "plain", "build": 1}
    assert build.calls == 1
