"""A process-local memo in front of the shared cache, for values that never change
under their key.

Some values are read on nearly every request and named by what they contain: a
course's outline (keyed by the course's `updated_at` and a curriculum version) and a
lesson's rendered HTML (keyed by a hash of its source). Fetching them from the shared
cache each time costs a round trip and unpickling: about 240 KB for the Core course's
outline, more than the rest of the lesson page. Because the key changes whenever the
value would, a copy held in the process can never be stale, only evicted: each memo
keeps its most recently used entries up to a fixed count.

Values held here are shared by every request the process serves, so they must be
treated as read-only.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.core.cache import cache

_MEMOS: list["LocalMemo"] = []


class LocalMemo:
    """`size` entries at most in this process; `timeout` seconds in the shared cache, or
    None to keep values in the process only (cheap to rebuild, like page fragments)."""

    def __init__(self, *, size: int, timeout: int | None) -> None:
        self.size = size
        self.timeout = timeout
        self._values: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()
        _MEMOS.append(self)

    def get_or_build(self, key: str, build: Callable[[], Any], *, kind: type = object) -> Any:
        """The value under `key`: from this process, else from the shared cache, else
        built and stored in both. A shared-cache value not of `kind` (written by older
        code) is built again; None is never a value (it is how the cache says "missing")."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = cache.get(key) if self.timeout is not None else None
        if value is None or not isinstance(value, kind):
            value = build()
            if self.timeout is not None:
                cache.set(key, value, self.timeout)
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


def clear_local_memos() -> None:
    """Forget every process-local value (tests clear the shared cache between cases and
    must clear these with it)."""
    for memo in _MEMOS:
        memo.clear()
