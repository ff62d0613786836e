"""信息发布 and 精准推送: notices to the public site and to chosen deputies, with read receipts."""

from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "renda.notices"
    verbose_name = "信息发布"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from renda.core import access
        from renda.core.models import Role
        from renda.core.notifications import DEFAULT_TEMPLATES
        from renda.core.templatetags.access import register_nav
        from renda.notices import panels, scoping  # noqa: F401

        access.grant(Role.CONGRESS_STAFF, "notices.manage")
        access.grant(Role.DEPUTY, "notices.read")
        DEFAULT_TEMPLATES.setdefault(
            "notice.notices_pushed", ("代表：收到推送信息", "{congress}向您推送了{kind}“{title}”，请查阅。")
        )
        register_nav("notice_list", "信息发布", ("notice_", "push_"), ())
        register_nav("notice_tag_list", "代表标签", ("notice_tag",), ())
        register_nav("my_notice_list", "我的推送信息", ("my_notice_",), (Role.DEPUTY,))
