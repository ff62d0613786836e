"""Template helpers for the console: permission checks, masking and the navigation."""

from django import template
from django.urls import NoReverseMatch, reverse

from renda.core import masking
from renda.core.access import has_perm
from renda.core.models import Role

register = template.Library()

# (url name, label, url-name prefixes that mark it active, roles without registry.manage who still get it)
NAV_ITEMS = [
    ("opinion_list", "群众意见", ("opinion_",), (Role.STATION_STAFF, Role.DEPUTY)),
    ("triage", "待交办", ("triage",), ()),
    ("agency_inbox", "承办件", ("agency_inbox", "assignment_"), (Role.AGENCY_HANDLER,)),
    ("extension_list", "延期审批", ("extension_",), ()),
    ("supervision_list", "督办", ("supervision_",), ()),
    ("figures", "办理成效", ("figures",), (Role.STATION_STAFF, Role.DEPUTY, Role.AGENCY_HANDLER)),
    ("suggestion_list", "代表建议", ("suggestion_list", "suggestion_detail", "suggestion_action", "suggestion_create",
                                     "suggestion_edit", "suggestion_cosigners", "suggestion_from_opinion"),
     (Role.DEPUTY, Role.AGENCY_HANDLER)),
    ("commitment_list", "承诺事项", ("commitment_",), (Role.AGENCY_HANDLER,)),
    ("suggestion_figures", "建议办理成效", ("suggestion_figures",), (Role.DEPUTY, Role.AGENCY_HANDLER)),
    ("suggestion_report", "建议年度报告", ("suggestion_report",), ()),
    ("suggestion_import", "导入代表建议", ("suggestion_import",), ()),
    ("notification_list", "通知", ("notification_",), (Role.STATION_STAFF, Role.DEPUTY, Role.AGENCY_HANDLER)),
    ("division_list", "行政区划", ("division_",), ()),
    ("congress_list", "人大与届次", ("congress_", "term_"), (Role.DEPUTY,)),
    ("deputy_list", "代表", ("deputy_", "mandate_"), (Role.STATION_STAFF, Role.DEPUTY)),
    ("station_list", "家站点", ("station_",), (Role.STATION_STAFF, Role.DEPUTY)),
    ("grid_list", "网格", ("grid_",), (Role.STATION_STAFF, Role.DEPUTY)),
    ("agency_list", "承办单位", ("agency_",), (Role.AGENCY_HANDLER,)),
    ("import_list", "批量导入", ("import_",), ()),
    ("taxonomy_list", "意见分类", ("taxonomy_",), ()),
    ("stage_limit_list", "办理时限", ("stage_limit_",), ()),
    ("suggestion_session_list", "会次", ("suggestion_session_",), ()),
    ("key_topic_list", "重点督办专题", ("key_topic_",), ()),
    ("suggestion_category_list", "建议分类", ("suggestion_category_",), ()),
    ("motion_threshold_list", "议案联名人数", ("motion_threshold_",), ()),
    ("result_category_list", "答复类别", ("result_category_",), ()),
    ("template_list", "消息模板", ("template_",), ()),
    ("blocked_phone_list", "屏蔽号码", ("blocked_phone_",), ()),
]


def register_nav(name: str, label: str, prefixes: tuple[str, ...], roles: tuple[str, ...] = ()) -> None:
    """Add a console list to the navigation (domain apps call this in ``AppConfig.ready()``).

    ``roles``: the roles without ``registry.manage`` who also get the entry."""
    if all(item[0] != name for item in NAV_ITEMS):
        NAV_ITEMS.append((name, label, prefixes, roles))


@register.filter
def can(user, perm: str) -> bool:
    """``{% if request.user|can:"registry.manage" %}``"""
    return has_perm(user, perm)


@register.filter
def phone_for(value: str, user) -> str:
    """``{{ deputy.phone|phone_for:request.user }}``: masked unless the user may see personal data."""
    return masking.phone_for(user, value)


@register.filter
def id_number_for(value: str, user) -> str:
    return masking.id_number_for(user, value)


@register.simple_tag
def nav_items(request) -> list[dict]:
    """``{% nav_items request as items %}``: the console lists this user may open, the current one marked."""
    user = request.user
    if not has_perm(user, "registry.view"):
        return []
    manager = has_perm(user, "registry.manage")
    match = getattr(request, "resolver_match", None)
    current = match.url_name if match and match.namespace == "console" else ""
    items = [{"url": reverse("console:home"), "label": "首页", "active": current == "home"}]
    for name, label, prefixes, roles in NAV_ITEMS:
        if manager or user.role in roles:
            try:
                url = reverse(f"console:{name}")
            except NoReverseMatch:  # a page not (yet) installed
                continue
            active = bool(current) and current.startswith(prefixes)
            items.append({"url": url, "label": label, "active": active})
    return items


@register.filter
def model_label(obj) -> str:
    """``registry.station`` for a Station: the label the history URL takes."""
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


@register.filter
def can_see_history(user, obj) -> bool:
    from renda.registry.views_history import owns

    return has_perm(user, "audit.view") or owns(user, obj)


ACTION_VERBS = {
    "create": "新增",
    "update": "修改",
    "activate": "启用",
    "deactivate": "停用",
    "delete": "删除",
    "end": "结束",
}


@register.filter
def action_label(action: str) -> str:
    """``registry.station.update`` → 修改; ``…status.ended`` → 状态变更; unknown codes are shown as they are."""
    parts = (action or "").split(".")
    if len(parts) >= 3 and parts[2] == "status":
        return "状态变更"
    return ACTION_VERBS.get(parts[-1], action) if parts else action


@register.filter
def audit_value(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)
