from django.apps import AppConfig


class SimilarConfig(AppConfig):
    name = "renda.similar"
    verbose_name = "重复与热点"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from renda.core import access
        from renda.core.models import Role
        from renda.core.templatetags.access import register_nav
        from renda.handling.tick import on_tick
        from renda.opinions.intake import after_register
        from renda.similar import hooks, hotspots, panels, scoping  # noqa: F401 — registers panels and scope rules

        access.grant(Role.CONGRESS_STAFF, "similar.view", "similar.manage")
        access.grant(Role.STATION_STAFF, "similar.view")
        access.grant(Role.DEPUTY, "similar.view")
        hooks.install()  # after renda.opinions (earlier in INSTALLED_APPS) registered its hooks
        after_register(hotspots.on_registered)
        on_tick(hotspots.tick)
        register_nav("similar_hotspot_list", "热点问题", ("similar_hotspot_",), (Role.STATION_STAFF, Role.DEPUTY), group="insight")
        register_nav("similar_proposal_list", "重点约访", ("similar_proposal_",), (Role.STATION_STAFF, Role.DEPUTY), group="insight")
