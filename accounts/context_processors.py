"""Template context shared by every page."""

from functools import cache

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse

# The links in every page's header and footer, by the name templates use.
_SHELL_LINKS = {
    "home": "home",
    "curriculum": "catalogue:curriculum",
    "dashboard": "accounts:dashboard",
    "settings": "accounts:settings",
    "sign_out": "account_logout",
    "sign_in": "account_login",
    "sign_up": "account_signup",
    "support": "support",
    "privacy": "privacy",
}


@cache
def _shell_urls(urlconf: str, prefix: str) -> dict[str, str]:
    # Reversing costs tens of microseconds a link, on every page, for URLs that change
    # only with the URL configuration and the script prefix: the memo's key.
    return {key: reverse(name, urlconf=urlconf) for key, name in _SHELL_LINKS.items()}


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "SITE_URL": settings.SITE_URL,
        "SITE_NAME": "Steadfast",
        "shell_urls": _shell_urls(get_urlconf() or settings.ROOT_URLCONF, get_script_prefix()),
    }
