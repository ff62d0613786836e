from django.apps import AppConfig


class SuggestionsConfig(AppConfig):
    name = "renda.suggestions"
    verbose_name = "代表建议"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from renda.suggestions import hooks, scoping  # noqa: F401
