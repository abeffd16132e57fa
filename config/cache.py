"""A Redis cache that degrades instead of failing.

Sessions (cached_db), rate limits and fragment caches all sit on the cache. When Redis
is unreachable, reads miss and writes are dropped, so the site keeps serving from the
database; the failure is logged once per call rather than raised into a 500."""

import logging
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

_OUTAGE = (RedisConnectionError, RedisTimeoutError, OSError)


def _degrade(default: Callable[..., Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorator(method: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(self: "ResilientRedisCache", *args: Any, **kwargs: Any) -> Any:
            try:
                return method(self, *args, **kwargs)
            except _OUTAGE as exc:
                logger.warning("cache unavailable during %s: %s", method.__name__, exc)
                return default(*args, **kwargs)

        wrapper.__name__ = method.__name__
        return wrapper

    return decorator


def _get_default(key: str, default: Any = None, version: int | None = None) -> Any:
    return default


def _incr_failure(key: str, delta: int = 1, version: int | None = None) -> int:
    # Rate-limit counters: pretend this is the first hit, so limits open rather than
    # locking every user out while Redis is down.
    return delta


class ResilientRedisCache(RedisCache):
    get = _degrade(_get_default)(RedisCache.get)
    get_many = _degrade(lambda keys, version=None: {})(RedisCache.get_many)
    set = _degrade(lambda *a, **k: None)(RedisCache.set)
    set_many = _degrade(lambda data, *a, **k: list(data))(RedisCache.set_many)
    add = _degrade(lambda *a, **k: False)(RedisCache.add)
    touch = _degrade(lambda *a, **k: False)(RedisCache.touch)
    delete = _degrade(lambda *a, **k: False)(RedisCache.delete)
    delete_many = _degrade(lambda *a, **k: None)(RedisCache.delete_many)
    has_key = _degrade(lambda *a, **k: False)(RedisCache.has_key)
    incr = _degrade(_incr_failure)(RedisCache.incr)
    clear = _degrade(lambda *a, **k: False)(RedisCache.clear)
