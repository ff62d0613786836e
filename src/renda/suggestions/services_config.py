"""Configuration writes for 代表建议 (audited through ``core.services.record_*``).

* 会次 and 重点督办专题 belong to one congress: staff of its territory (``suggestion.manage``) manage them.
* 建议分类, 议案联名人数 and 答复类别 are platform-wide tables (no congress column), so only
  administrators change them; congress staff may read them (see ``may_configure_global``).
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from renda.core.access import can_see, has_perm, is_admin
from renda.core.audit import audit_record
from renda.core.models import User
from renda.core.services import record_create, record_set_active, record_update
from renda.handling.engine import TransitionError
from renda.handling.models import CaseKind, ResultCategory
from renda.registry.models import Congress, CongressLevel
from renda.suggestions.models import (
    KeyTopic,
    MotionThreshold,
    Suggestion,
    SuggestionCategory,
    SuggestionSession,
)

DENIED = "您没有执行此操作的权限。"
GLOBAL_DENIED = "建议分类、议案联名人数和答复类别为全平台配置，只有系统管理员可以修改。"
MAX_SIGNERS = 500
SESSION_FIELDS = {"title", "period", "year", "starts_on", "ends_on", "is_current"}
TOPIC_FIELDS = {"title", "leader", "note"}
CATEGORY_FIELDS = {"name", "order"}
RESULT_FIELDS = {"label", "creates_commitment", "order"}


def may_manage_congress(user: User, congress: Congress) -> bool:
    return is_admin(user) or (has_perm(user, "suggestion.manage") and can_see(user, congress))


def may_configure_global(user: User) -> bool:
    return is_admin(user)


def _require_congress(actor: User, congress: Congress) -> None:
    if not may_manage_congress(actor, congress):
        raise TransitionError(DENIED)


def _require_global(actor: User) -> None:
    if not may_configure_global(actor):
        raise TransitionError(GLOBAL_DENIED)


def _only(fields: dict[str, Any], allowed: set[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")


def _strip(data: dict[str, Any], *names: str) -> dict[str, Any]:
    for name in names:
        if name in data:
            data[name] = (data[name] or "").strip()
    return data


# --- 会次 ---------------------------------------------------------------------------------------


def _check_session(congress: Congress, data: dict[str, Any], pk: int | None = None) -> dict[str, Any]:
    data = _strip(dict(data), "title")
    if not data.get("title"):
        raise ValidationError({"title": "请填写会次名称。"})
    starts, ends = data.get("starts_on"), data.get("ends_on")
    if isinstance(starts, datetime.date) and isinstance(ends, datetime.date) and ends < starts:
        raise ValidationError({"ends_on": "结束日期不能早于开始日期。"})
    year = data.get("year")
    if year is not None and not 1954 <= int(year) <= 2100:
        raise ValidationError({"year": "请填写正确的年度。"})
    same = SuggestionSession.objects.filter(congress=congress, title=data["title"]).exclude(pk=pk)
    if same.exists():
        raise ValidationError({"title": f"{congress.name}已有名为“{data['title']}”的会次。"})
    return data


@transaction.atomic
def suggestion_session_create(
    *,
    actor: User,
    congress: Congress,
    title: str,
    period: str,
    year: int,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    is_current: bool = False,
) -> SuggestionSession:
    """A new 会次 of ``congress``; ``is_current`` makes it open for drafting."""
    _require_congress(actor, congress)
    data = _check_session(
        congress,
        {"title": title, "period": period, "year": year, "starts_on": starts_on, "ends_on": ends_on,
         "is_current": is_current},
    )  # fmt: skip
    return record_create(actor=actor, instance=SuggestionSession(congress=congress, **data))


@transaction.atomic
def suggestion_session_update(*, actor: User, session: SuggestionSession, **fields: Any) -> SuggestionSession:
    """Edit a 会次 (not its congress): title, period, year, dates, is_current."""
    _only(fields, SESSION_FIELDS)
    _require_congress(actor, session.congress)
    current = {name: getattr(session, name) for name in SESSION_FIELDS}
    data = _check_session(session.congress, {**current, **fields}, pk=session.pk)
    return record_update(actor=actor, instance=session, fields={k: data[k] for k in fields})


@transaction.atomic
def suggestion_session_delete(*, actor: User, session: SuggestionSession) -> None:
    """Delete a 会次 nobody has used yet (no suggestion, no number given)."""
    _require_congress(actor, session.congress)
    session = SuggestionSession.objects.select_for_update().get(pk=session.pk)
    if session.last_number or Suggestion.objects.filter(session=session).exists():
        raise ValidationError("该会次已有代表建议，不能删除；如不再使用，请取消“当前会次”。")
    audit_record(actor=actor, action="suggestions.suggestionsession.delete", target=session, note=session.title)
    session.delete()


# --- 重点督办专题 -------------------------------------------------------------------------------


@transaction.atomic
def key_topic_update(*, actor: User, topic: KeyTopic, **fields: Any) -> KeyTopic:
    _only(fields, TOPIC_FIELDS)
    _require_congress(actor, topic.congress)
    fields = _strip(dict(fields), *TOPIC_FIELDS)
    if "title" in fields and not fields["title"]:
        raise ValidationError({"title": "请填写专题名称。"})
    return record_update(actor=actor, instance=topic, fields=fields)


@transaction.atomic
def key_topic_set_active(*, actor: User, topic: KeyTopic, active: bool) -> KeyTopic:
    _require_congress(actor, topic.congress)
    return record_set_active(actor=actor, instance=topic, active=active)


# --- 建议分类 (platform-wide) -------------------------------------------------------------------


def _check_category_name(name: str, pk: int | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "请填写分类名称。"})
    if SuggestionCategory.objects.filter(name=name).exclude(pk=pk).exists():
        raise ValidationError({"name": f"已有名为“{name}”的分类。"})
    return name


@transaction.atomic
def suggestion_category_create(*, actor: User, name: str, order: int = 0) -> SuggestionCategory:
    _require_global(actor)
    return record_create(actor=actor, instance=SuggestionCategory(name=_check_category_name(name), order=order))


@transaction.atomic
def suggestion_category_update(*, actor: User, category: SuggestionCategory, **fields: Any) -> SuggestionCategory:
    _only(fields, CATEGORY_FIELDS)
    _require_global(actor)
    if "name" in fields:
        fields["name"] = _check_category_name(fields["name"], pk=category.pk)
    return record_update(actor=actor, instance=category, fields=fields)


@transaction.atomic
def suggestion_category_set_active(*, actor: User, category: SuggestionCategory, active: bool) -> SuggestionCategory:
    _require_global(actor)
    return record_set_active(actor=actor, instance=category, active=active)


# --- 议案联名人数 (per congress level, platform-wide) -------------------------------------------


@transaction.atomic
def motion_threshold_set(*, actor: User, level: str, min_signers: int) -> MotionThreshold:
    """The joint-signature threshold of motions at ``level`` (the proposer counts as one)."""
    _require_global(actor)
    if level not in CongressLevel.values:
        raise ValidationError({"level": "人大层级不正确。"})
    if not 1 <= int(min_signers) <= MAX_SIGNERS:
        raise ValidationError({"min_signers": f"联名人数应在 1 至 {MAX_SIGNERS} 人之间。"})
    row = MotionThreshold.objects.filter(level=level).first()
    if row is None:
        return record_create(actor=actor, instance=MotionThreshold(level=level, min_signers=min_signers))
    return record_update(actor=actor, instance=row, fields={"min_signers": int(min_signers)})


# --- 答复类别 (suggestions' A/B/C/D) ------------------------------------------------------------


def _suggestion_results():
    return ResultCategory.objects.filter(kind=CaseKind.SUGGESTION)


@transaction.atomic
def result_category_update(*, actor: User, category: ResultCategory, **fields: Any) -> ResultCategory:
    """Rename a suggestion answer category, reorder it, or say whether it creates commitments."""
    _only(fields, RESULT_FIELDS)
    _require_global(actor)
    if category.kind != CaseKind.SUGGESTION:
        raise ValidationError("只能修改代表建议的答复类别。")
    fields = _strip(dict(fields), "label")
    if "label" in fields and not fields["label"]:
        raise ValidationError({"label": "请填写类别名称。"})
    return record_update(actor=actor, instance=category, fields=fields)


@transaction.atomic
def result_category_set_active(*, actor: User, category: ResultCategory, active: bool) -> ResultCategory:
    """Enable or disable one answer category (e.g. D 留作参考); at least one stays enabled."""
    _require_global(actor)
    if category.kind != CaseKind.SUGGESTION:
        raise ValidationError("只能修改代表建议的答复类别。")
    if not active:
        others = _suggestion_results().select_for_update().filter(is_active=True).exclude(pk=category.pk)
        if not others.exists():
            raise ValidationError("至少要保留一个启用的答复类别。")
    return record_set_active(actor=actor, instance=category, active=active)
