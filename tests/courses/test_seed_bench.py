"""The benchmark seeder makes learners in bulk, marks them as demo accounts so a
production deploy check refuses them, and hands back a working session and lesson."""

from http import HTTPStatus
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from accounts import checks
from accounts.models import User
from courses.models import Enrollment, LessonProgress

pytestmark = pytest.mark.django_db


def test_seed_bench_creates_learners_and_a_signed_in_lesson_to_measure(client: Client) -> None:
    out = StringIO()
    call_command("seed_bench", learners=5, stdout=out)
    lines = dict(line.split("=", 1) for line in out.getvalue().splitlines() if "=" in line)

    bench = User.objects.filter(email__startswith="bench-learner-")
    assert bench.count() == 5
    assert not bench.filter(is_demo=False).exists()
    assert Enrollment.objects.filter(user__in=bench).count() == 5
    assert LessonProgress.objects.filter(cycle__enrollment__user__in=bench).exists()
    assert [e.id for e in checks.check_no_demo_users(None)] == ["steadfast.E004"]

    name, value = lines["COOKIE"].split("=", 1)
    client.cookies[name] = value
    response = client.get(lines["LESSON_PATH"])
    assert response.status_code == HTTPStatus.OK
    assert "<h1" in response.text

    # Running again tops up to the number asked for instead of doubling it.
    call_command("seed_bench", learners=7, stdout=StringIO())
    assert bench.count() == 7
