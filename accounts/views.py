"""Pages of the accounts app: the dashboard, the profile step, account settings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import dashboard as dashboard_panels
from accounts import services
from accounts.decorators import profile_required, request_user
from accounts.forms import AccountSettingsForm, ProfileForm
from accounts.mfa import has_mfa


@login_required
@profile_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    return render(
        request,
        "accounts/dashboard.html",
        {
            "has_mfa": has_mfa(user),
            "role_label": user.get_professional_role_display(),
            # Apps above accounts (courses) show their part through registered panels.
            "panels": dashboard_panels.panels_for(user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def onboarding(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        services.complete_profile(
            user=user,
            professional_role=form.cleaned_data["professional_role"],
            country=form.cleaned_data["country"],
        )
        messages.success(request, _("Thank you. Your profile is saved."))
        return redirect("accounts:dashboard")
    return render(request, "accounts/onboarding.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def account_settings(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = AccountSettingsForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your settings are saved."))
        return redirect("accounts:settings")
    return render(request, "accounts/settings.html", {"form": form, "has_mfa": has_mfa(user)})
