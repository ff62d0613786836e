"""述职评议: report-back meetings, published reports and constituents' appraisal."""

from django.apps import AppConfig


class ReportbackConfig(AppConfig):
    name = "renda.reportback"
    verbose_name = "述职评议"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from renda.core import access
        from renda.core.models import Role
        from renda.core.templatetags.access import register_nav
        from renda.reportback import panels, scoping  # noqa: F401

        access.grant(Role.CONGRESS_STAFF, "reportback.view", "reportback.manage")
        access.grant(Role.STATION_STAFF, "reportback.view")
        access.grant(Role.DEPUTY, "reportback.view")
        register_nav("reportback_meeting_list", "述职评议", ("reportback_",), (Role.STATION_STAFF, Role.DEPUTY))
