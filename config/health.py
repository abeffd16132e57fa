"""A health check for load balancers: the database answers; nothing else is probed,
so a cache or broker outage does not take hosts out of rotation."""

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse(b"ok", content_type="text/plain")
