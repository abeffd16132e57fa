"""View decorators shared by every app's learner pages."""

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from accounts.models import User

View = Callable[..., HttpResponse]


def request_user(request: HttpRequest) -> User:
    """The signed-in user of a request behind `login_required`, typed as our User."""
    assert isinstance(request.user, User)
    return request.user


def profile_required(view: View) -> View:
    """Send a signed-in person who has not chosen a role to the profile step first."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        user = request.user
        if user.is_authenticated and getattr(user, "profile_completed_at", None) is None:
            return redirect("accounts:onboarding")
        return view(request, *args, **kwargs)

    return wrapper
