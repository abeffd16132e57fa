"""A person's own data: download it, or delete the account (DESIGN.md §5).

Neither page asks for a completed profile: someone who signed up and changed their
mind must be able to leave without choosing a role first."""

import json

from allauth.account.decorators import reauthentication_required
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts import personal_data
from accounts.decorators import request_user
from accounts.forms import DeleteAccountForm


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def export(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(
            request, "accounts/export.html", {"sections": personal_data.registered_sections()}
        )
    data = personal_data.export_account(user=request_user(request))
    # The person's own calendar date: the middleware has activated their time zone.
    filename = f"steadfast-data-{timezone.localdate().isoformat()}.json"
    return HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
        headers={
            "Content-Disposition": content_disposition_header(as_attachment=True, filename=filename)
        },
    )


@login_required
# Reading what deletion means needs no password; deleting does, unless the person
# signed in again in the last few minutes. allauth keeps the POST and replays it after
# the password (or second factor) is confirmed.
@reauthentication_required(allow_get=True)
@never_cache
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    # Bound on every POST, even an empty one, so an unticked box shows its error.
    form = DeleteAccountForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        user = request_user(request)
        personal_data.erase_account(user=user, erased_by=user)
        logout(request)
        return redirect("accounts:deleted")
    return render(
        request,
        "accounts/delete_account.html",
        {"form": form, "sections": personal_data.registered_sections()},
    )


@require_GET
def account_deleted(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/account_deleted.html")
