"""URLs reversed once per process.

Reversing a URL costs tens of microseconds, and every page's shell, like the lesson
page's forms, reverses the same few links on every request. A reversed URL depends only
on the view's name, its arguments, the URL configuration and the script prefix, which
together key the memo; it is bounded, and callers pass only names and arguments that
exist (never raw input).
"""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


@lru_cache(maxsize=4096)
def _reverse(urlconf: str, prefix: str, viewname: str, kwargs: tuple[tuple[str, str], ...]) -> str:
    return reverse(viewname, urlconf=urlconf, kwargs=dict(kwargs))


def reverse_once(viewname: str, **kwargs: str) -> str:
    """`reverse(viewname, kwargs=kwargs)`, from the memo after the first time."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _reverse(urlconf, get_script_prefix(), viewname, tuple(sorted(kwargs.items())))
