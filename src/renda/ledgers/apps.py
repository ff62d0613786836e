"""Station management: the 六有 checklist and the ledgers (一册两本三簿) generated from the records."""

from django.apps import AppConfig


class LedgersConfig(AppConfig):
    name = "renda.ledgers"
    verbose_name = "家站点管理"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from renda.core import access
        from renda.core.models import Role
        from renda.core.templatetags.access import register_nav
        from renda.ledgers import builtin, panels, scoping  # noqa: F401
        from renda.ledgers.registry import register, register_optional

        access.grant(Role.CONGRESS_STAFF, "ledgers.view", "ledgers.configure")
        access.grant(Role.STATION_STAFF, "ledgers.view")
        register("roster", "代表名册", builtin.roster_rows, order=10, group="一册")
        register_optional(
            "activities", "代表活动记录本", "renda.activities.ledgers.activity_rows", order=20, group="两本"
        )
        register_optional(
            "reception", "选民接待登记本", "renda.reception.ledgers.reception_rows", order=30, group="两本"
        )
        register("opinions", "群众意见登记簿", builtin.opinion_rows, order=40, group="三簿")
        register("feedback", "意见办理反馈簿", builtin.feedback_rows, order=50, group="三簿")
        register_optional(
            "training", "学习培训记录簿", "renda.activities.ledgers.training_rows", order=60, group="三簿"
        )
        register_optional(
            "reportback", "代表述职评议记录", "renda.reportback.ledgers.report_rows", order=70, group="其他"
        )
        register_nav("ledger_station_list", "工作台账", ("ledger_station", "ledger_page", "ledger_book", "ledger_config"),
                     (Role.STATION_STAFF,))  # fmt: skip
        register_nav("ledger_checklist", "六有建设", ("ledger_checklist",), (Role.STATION_STAFF,))
