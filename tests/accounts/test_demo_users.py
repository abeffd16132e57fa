import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_demo_users_are_created_verified_with_fresh_printed_passwords(
    settings: object, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.DEBUG = True  # type: ignore[attr-defined]
    call_command("create_demo_users")
    first = capsys.readouterr().out
    call_command("create_demo_users")
    second = capsys.readouterr().out
    assert User.objects.filter(is_demo=True).count() == 2
    staff = User.objects.get(is_demo=True, is_staff=True)
    learner = User.objects.get(is_demo=True, is_staff=False)
    assert EmailAddress.objects.filter(user__in=[staff, learner], verified=True).count() == 2
    password = second.split(learner.email)[1].split("password:")[1].split()[0]
    assert learner.check_password(password)
    assert first != second  # passwords are new on every run


def test_demo_users_are_refused_when_debug_is_off(settings: object) -> None:
    settings.DEBUG = False  # type: ignore[attr-defined]
    with pytest.raises(CommandError, match="DJANGO_DEBUG=1"):
        call_command("create_demo_users")
    assert not User.objects.filter(is_demo=True).exists()


def test_delete_demo_users_removes_only_demo_accounts(settings: object) -> None:
    settings.DEBUG = True  # type: ignore[attr-defined]
    call_command("create_demo_users")
    User.objects.create_user("real@example.org", "x" * 12)
    call_command("delete_demo_users")
    assert list(User.objects.values_list("email", flat=True)) == ["real@example.org"]
