"""The support page: kinds of help to seek, and the operator's directory of services."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.models import SupportService, User


@require_GET
def support(request: HttpRequest) -> HttpResponse:
    # Open to everyone, signed in or not: help should never sit behind a login.
    user = request.user if isinstance(request.user, User) else None
    # CountryField reads back as a Country object; its str() is the ISO code.
    country = str(user.country) if user is not None and user.country else ""
    services = list(
        SupportService.objects.visible_to(user)
        .for_country_first(country)
        .select_related("organisation")
    )
    return render(
        request,
        "accounts/support.html",
        {"services": services, "country": user.country if user is not None else None},
    )
