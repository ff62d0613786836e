from django.apps import AppConfig


class HandlingConfig(AppConfig):
    name = "renda.handling"
    verbose_name = "办理流程"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from renda.handling import scoping  # noqa: F401
