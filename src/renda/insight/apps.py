from django.apps import AppConfig


class InsightConfig(AppConfig):
    name = "renda.insight"
    verbose_name = "研判"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from renda.core import access
        from renda.core.models import Role
        from renda.core.templatetags.access import register_nav
        from renda.handling.tick import on_tick
        from renda.insight import panels, scoping, services  # noqa: F401 — registers panels and scope rules
        from renda.opinions.intake import after_register

        access.grant(Role.CONGRESS_STAFF, "insight.view", "insight.decide", "insight.manage")
        access.grant(Role.STATION_STAFF, "insight.view", "insight.decide")
        access.grant(Role.DEPUTY, "insight.view", "insight.decide")
        after_register(services.hints_after_register)
        on_tick(services.retrain_tick)
        register_nav("insight_models", "研判模型", ("insight_",), group="insight")
