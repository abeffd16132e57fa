"""Per-request policies that apply across the site."""

import zoneinfo
from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.mfa import has_mfa


class UserTimezoneMiddleware:
    """Show dates in the signed-in person's own time zone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


class StaffMFAMiddleware:
    """Staff cannot reach any staff page until two-factor authentication is on.

    Staff pages are the admin site and anything under /staff/. The check costs one
    query, and only for staff on those paths."""

    STAFF_PREFIXES = ("/admin/", "/staff/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.is_staff
            and request.path.startswith(self.STAFF_PREFIXES)
            and not has_mfa(user)
        ):
            messages.warning(
                request,
                _("Staff pages need two-factor authentication. Set it up here, then try again."),
            )
            return redirect(reverse("mfa_index"))
        return self.get_response(request)
