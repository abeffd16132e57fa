"""URL wiring. Each app owns its own namespace; allauth lives under /accounts/."""

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from accounts import session_views, support_views
from config import health

# The admin's login goes through allauth, so it gets MFA and rate limits.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "Steadfast administration"

urlpatterns = [
    path("", TemplateView.as_view(template_name="pages/home.html"), name="home"),
    path("privacy/", TemplateView.as_view(template_name="pages/privacy.html"), name="privacy"),
    path("support/", support_views.support, name="support"),
    path("healthz", health.healthz, name="healthz"),
    path("me/", include("accounts.urls")),
    path("learn/", include("courses.urls")),
    path("quizzes/", include("quizzes.urls")),
    path("curriculum/", include("courses.catalogue_urls")),
    # Ahead of allauth's own route of the same name: see accounts/sessions.py.
    path("accounts/sessions/", session_views.list_sessions, name="usersessions_list"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
