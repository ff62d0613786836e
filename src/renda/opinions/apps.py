from django.apps import AppConfig


class OpinionsConfig(AppConfig):
    name = "renda.opinions"
    verbose_name = "民意直通车"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from renda.opinions import hooks, scoping  # noqa: F401
