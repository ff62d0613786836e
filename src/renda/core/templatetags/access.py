"""Template helpers for the console: permission checks, masking and the navigation."""

from django import template
from django.urls import NoReverseMatch, reverse

from renda.core import masking
from renda.core.access import has_perm
from renda.core.models import Role

register = template.Library()

# Menu groups, in order; an item with group "" is shown on its own next to 首页.
NAV_GROUPS = [
    ("handling", "意见办理"),
    ("suggestions", "代表建议"),
    ("duty", "家站点履职"),
    ("insight", "研判分析"),
    ("registry", "代表与家站点"),
    ("config", "系统配置"),
]

# (url name, label, url-name prefixes that mark it active, roles without registry.manage who still get it, group)
NAV_ITEMS = [
    ("notification_list", "通知", ("notification_",), (Role.STATION_STAFF, Role.DEPUTY, Role.AGENCY_HANDLER), ""),
    ("opinion_list", "群众意见", ("opinion_",), (Role.STATION_STAFF, Role.DEPUTY), "handling"),
    ("triage", "待交办", ("triage",), (), "handling"),
    ("agency_inbox", "承办件", ("agency_inbox", "assignment_"), (Role.AGENCY_HANDLER,), "handling"),
    ("extension_list", "延期审批", ("extension_",), (), "handling"),
    ("supervision_list", "督办", ("supervision_",), (), "handling"),
    ("figures", "办理成效", ("figures",), (Role.STATION_STAFF, Role.DEPUTY, Role.AGENCY_HANDLER), "handling"),
    ("suggestion_list", "代表建议", ("suggestion_list", "suggestion_detail", "suggestion_action", "suggestion_create",
                                     "suggestion_edit", "suggestion_cosigners", "suggestion_from_opinion"),
     (Role.DEPUTY, Role.AGENCY_HANDLER), "suggestions"),
    ("commitment_list", "承诺事项", ("commitment_",), (Role.AGENCY_HANDLER,), "suggestions"),
    ("suggestion_figures", "建议办理成效", ("suggestion_figures",), (Role.DEPUTY, Role.AGENCY_HANDLER), "suggestions"),
    ("suggestion_report", "建议年度报告", ("suggestion_report",), (), "suggestions"),
    ("suggestion_import", "导入代表建议", ("suggestion_import",), (), "suggestions"),
    ("division_list", "行政区划", ("division_",), (), "registry"),
    ("congress_list", "人大与届次", ("congress_", "term_"), (Role.DEPUTY,), "registry"),
    ("deputy_list", "代表", ("deputy_", "mandate_"), (Role.STATION_STAFF, Role.DEPUTY), "registry"),
    ("station_list", "家站点", ("station_",), (Role.STATION_STAFF, Role.DEPUTY), "registry"),
    ("grid_list", "网格", ("grid_",), (Role.STATION_STAFF, Role.DEPUTY), "registry"),
    ("agency_list", "承办单位", ("agency_",), (Role.AGENCY_HANDLER,), "registry"),
    ("import_list", "批量导入", ("import_",), (), "registry"),
    ("taxonomy_list", "意见分类", ("taxonomy_",), (), "config"),
    ("stage_limit_list", "办理时限", ("stage_limit_",), (), "config"),
    ("suggestion_session_list", "会次", ("suggestion_session_",), (), "config"),
    ("key_topic_list", "重点督办专题", ("key_topic_",), (), "config"),
    ("suggestion_category_list", "建议分类", ("suggestion_category_",), (), "config"),
    ("motion_threshold_list", "议案联名人数", ("motion_threshold_",), (), "config"),
    ("result_category_list", "答复类别", ("result_category_",), (), "config"),
    ("template_list", "消息模板", ("template_",), (), "config"),
    ("blocked_phone_list", "屏蔽号码", ("blocked_phone_",), (), "config"),
]


def register_nav(
    name: str, label: str, prefixes: tuple[str, ...], roles: tuple[str, ...] = (), group: str = "duty"
) -> None:
    """Add a console list to the navigation (domain apps call this in ``AppConfig.ready()``).

    ``roles``: the roles without ``registry.manage`` who also get the entry; ``group``: its menu
    (a key of ``NAV_GROUPS``)."""
    if all(item[0] != name for item in NAV_ITEMS):
        NAV_ITEMS.append((name, label, prefixes, roles, group))


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


def nav_links(request) -> list[dict]:
    """The console lists this user may open, in menu order: ``url``, ``label``, ``active``, ``group``."""
    user = request.user
    if not has_perm(user, "registry.view"):
        return []
    manager = has_perm(user, "registry.manage")
    match = getattr(request, "resolver_match", None)
    current = match.url_name if match and match.namespace == "console" else ""
    links = [{"url": reverse("console:home"), "label": "首页", "active": current == "home", "group": ""}]
    for name, label, prefixes, roles, group in NAV_ITEMS:
        if manager or user.role in roles:
            try:
                url = reverse(f"console:{name}")
            except NoReverseMatch:  # a page not (yet) installed
                continue
            active = bool(current) and current.startswith(prefixes)
            links.append({"url": url, "label": label, "active": active, "group": group})
    return links


@register.simple_tag
def nav_items(request) -> list[dict]:
    """``{% nav_items request as entries %}``: the navigation, each entry a link (``url``, ``label``,
    ``active``) or, for a group of two or more links, a menu (``label``, ``active``, ``links``; not ``items``,
    which a template would resolve to ``dict.items``)."""
    links = nav_links(request)
    loose = [link for link in links if not link["group"]]
    grouped: dict[str, list[dict]] = {}
    for link in links:
        if link["group"]:
            grouped.setdefault(link["group"], []).append(link)
    entries = list(loose)
    labels = dict(NAV_GROUPS)
    for key in [k for k, _ in NAV_GROUPS] + [k for k in grouped if k not in labels]:
        items = grouped.get(key, [])
        if len(items) == 1:
            entries.append(items[0])
        elif items:
            entries.append({"label": labels.get(key, "其他"), "links": items,
                            "active": any(i["active"] for i in items)})  # fmt: skip
    return entries


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
