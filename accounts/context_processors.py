"""Template context shared by every page."""

from django.conf import settings
from django.http import HttpRequest

from accounts.links import reverse_once

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


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "SITE_URL": settings.SITE_URL,
        "SITE_NAME": "Steadfast",
        "shell_urls": {key: reverse_once(name) for key, name in _SHELL_LINKS.items()},
    }
