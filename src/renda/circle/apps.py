"""履职圈: deputies' duty posts, moderation and the public feed; 网格 routing of citizens' opinions."""

from django.apps import AppConfig


class CircleConfig(AppConfig):
    name = "renda.circle"
    verbose_name = "履职圈"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from renda.circle import grids, panels, scoping  # noqa: F401
        from renda.core import access
        from renda.core.models import Role
        from renda.core.notifications import DEFAULT_TEMPLATES
        from renda.core.templatetags.access import register_nav

        access.grant(Role.DEPUTY, "circle.post", "circle.view")
        access.grant(Role.STATION_STAFF, "circle.moderate", "circle.view")
        access.grant(Role.CONGRESS_STAFF, "circle.moderate", "circle.view")
        register_nav("circle_list", "履职圈", ("circle_",), (Role.DEPUTY, Role.STATION_STAFF))
        for key, value in {
            "notice.circle_pending": ("家站点：履职圈待审核", "{deputy}代表发布了履职圈动态“{excerpt}”，请审核。"),
            "notice.circle_published": ("代表：履职圈已发布", "您的履职圈动态“{excerpt}”已审核通过并公开发布。"),
            "notice.circle_rejected": ("代表：履职圈未通过审核", "您的履职圈动态“{excerpt}”未通过审核，原因：{reason}"),
            "notice.circle_hidden": ("代表：履职圈动态被隐藏", "您的履职圈动态“{excerpt}”已被隐藏，原因：{reason}"),
            "notice.grid_opinion": ("代表：网格内新意见", "您联系的网格“{grid}”收到群众意见：{title}"),
        }.items():
            DEFAULT_TEMPLATES.setdefault(key, value)
