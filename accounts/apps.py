from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # Registers the project's deploy checks with Django's check framework.
        from accounts import checks  # noqa: F401
