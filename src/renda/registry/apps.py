from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "renda.registry"
    label = "registry"
    verbose_name = "基础信息"

    def ready(self) -> None:
        from renda.registry import scoping  # noqa: F401  (registers the scope rules)
