"""Reception days (选民接待日): schedules, duty rosters, bookings and visitor records."""

from django.apps import AppConfig

MESSAGES = {
    "notice.reception_duty": ("代表：接待日值班提醒", "您将于{date} {time}在{station}参加选民接待日值班，地点：{place}。"),
    "notice.reception_cancelled": ("代表：接待日取消", "{station}{date}的选民接待日已取消，原因：{reason}。"),
    "notice.reception_leave": (
        "家站点：代表值班请假",
        "{deputy}代表不能参加{date}在{station}的接待日值班（{reason}），请安排替班代表。",
    ),
    "sms.reception_duty": (
        "代表：接待日值班短信",
        "【数字人大】提醒：您将于{date} {time}在{station}参加选民接待日值班，地点：{place}。",
    ),
    "sms.reception_booked": (
        "群众：接待日预约成功",
        "【数字人大】您已预约{station}{date} {time}的选民接待日，预约码{code}。如不能到场请凭预约码取消。",
    ),
    "sms.reception_cancelled": (
        "群众：接待日取消",
        "【数字人大】很抱歉，{station}{date}的选民接待日已取消（{reason}），您的预约{code}随之取消。",
    ),
}


class ReceptionConfig(AppConfig):
    name = "renda.reception"
    verbose_name = "选民接待日"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from renda.core import access
        from renda.core.models import Role
        from renda.core.notifications import DEFAULT_TEMPLATES
        from renda.core.templatetags.access import register_nav
        from renda.handling.tick import on_tick
        from renda.reception import panels, scoping  # noqa: F401
        from renda.reception.services import reminders_tick

        access.grant(Role.CONGRESS_STAFF, "reception.view", "reception.manage", "reception.record")
        access.grant(Role.STATION_STAFF, "reception.view", "reception.manage", "reception.record")
        access.grant(Role.DEPUTY, "reception.view", "reception.record")
        for key, value in MESSAGES.items():
            DEFAULT_TEMPLATES.setdefault(key, value)
        register_nav("reception_day_list", "选民接待日", ("reception_",), (Role.STATION_STAFF, Role.DEPUTY))
        on_tick(reminders_tick)
