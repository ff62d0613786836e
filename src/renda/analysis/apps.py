"""Reply quality flags, keyword and category trends, the monthly analysis."""

from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "renda.analysis"
    verbose_name = "分析"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from renda.analysis import panels, scoping, services  # noqa: F401 — registers panels and scope rules
        from renda.core import access
        from renda.core.models import Role
        from renda.core.templatetags.access import register_nav
        from renda.handling.tick import on_tick
        from renda.opinions.intake import after_register

        access.grant(Role.CONGRESS_STAFF, "analysis.view", "analysis.manage")
        access.grant(Role.STATION_STAFF, "analysis.view")
        after_register(services.on_registered)
        on_tick(services.tick)
        register_nav("analysis_quality", "答复质量", ("analysis_quality",), (Role.STATION_STAFF,), group="insight")
        register_nav("analysis_trends", "民意趋势", ("analysis_trends",), (Role.STATION_STAFF,), group="insight")
        register_nav("analysis_monthly", "月度分析", ("analysis_monthly",), (Role.STATION_STAFF,), group="insight")
