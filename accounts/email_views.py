"""Pages about the email Steadfast sends: the signed-in email-choices page, and the
one-click unsubscribe endpoint that reminder emails link to (RFC 8058)."""

from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts import notifications
from accounts.forms import EmailPreferenceForm
from accounts.models import User


@login_required
@require_http_methods(["GET", "POST"])
def email_preferences(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    preference = notifications.get_email_preference(user=user)
    form = EmailPreferenceForm(
        request.POST if request.method == "POST" else None,
        initial={"reminders": preference.reminders},
    )
    if form.is_valid():
        notifications.update_email_preferences(user=user, reminders=form.cleaned_data["reminders"])
        messages.success(request, _("Your email choices are saved."))
        return redirect("accounts:email_preferences")
    return render(request, "accounts/email_preferences.html", {"form": form})


# The signed token in the address is the only authentication, by design: RFC 8058 has
# mail providers POST "List-Unsubscribe=One-Click" here with no cookies and no CSRF
# token, and a person may unsubscribe from a device where they never signed in. CSRF
# protects actions taken with a session; this one needs no session, and a forged
# cross-site POST would still need the secret token. GET is never exempt from anything,
# it only shows a confirmation button.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user, category = notifications.check_unsubscribe_token(token=token)
    except signing.BadSignature:
        return render(
            request, "accounts/unsubscribe.html", {"invalid": True}, status=HTTPStatus.BAD_REQUEST
        )
    if request.method == "GET":
        # Never act on GET: mail scanners and link previews open every link in an email.
        return render(request, "accounts/unsubscribe.html", {"invalid": False})
    one_click = request.POST.get("List-Unsubscribe") == "One-Click"
    confirmed = request.POST.get("confirm") == "yes"
    if not (one_click or confirmed):
        return render(
            request, "accounts/unsubscribe.html", {"invalid": False}, status=HTTPStatus.BAD_REQUEST
        )
    notifications.unsubscribe(user=user, category=category)
    return render(request, "accounts/unsubscribe_done.html")
