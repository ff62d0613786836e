"""Duty activities (履职活动), attendance by QR check-in, annual plans and quantitative standards."""
from django.apps import AppConfig

ACTIVITY_PAGES = ("activity_list", "activity_create", "activity_detail", "activity_edit", "activity_checkin",
                  "activity_qr_page")


class ActivitiesConfig(AppConfig):
    name = "renda.activities"
    verbose_name = "履职活动"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from renda.activities import panels, scoping  # noqa: F401
        from renda.core import access
        from renda.core.models import Role
        from renda.core.notifications import DEFAULT_TEMPLATES
        from renda.core.templatetags.access import register_nav

        access.grant(Role.CONGRESS_STAFF, "activity.view", "activity.manage", "activity.plan", "activity.standard",
                     "activity.compliance")  # fmt: skip
        access.grant(Role.STATION_STAFF, "activity.view", "activity.manage", "activity.plan", "activity.compliance")
        access.grant(Role.DEPUTY, "activity.view", "activity.checkin")
        register_nav("activity_list", "履职活动", ACTIVITY_PAGES, (Role.STATION_STAFF, Role.DEPUTY))
        register_nav("activity_plan_list", "活动计划", ("activity_plan_",), (Role.STATION_STAFF,))
        DEFAULT_TEMPLATES.setdefault(
            "activity.invited", ("代表：活动邀请", "邀请您参加“{title}”，时间{time}，地点{place}。请届时扫码签到。")
        )
        register_nav("activity_standard_list", "履职量化标准", ("activity_standard_",), ())
        register_nav("activity_compliance", "履职达标", ("activity_compliance",), (Role.STATION_STAFF,))
