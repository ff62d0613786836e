"""Per-kind rules of the handling loop: what differs between opinions and suggestions.

Both loops run on the same services; where they differ, the service asks
``policy_for(case.kind)``. Opinions keep the behaviour they had before
policies existed; suggestions (代表建议) add a return window, contact before
replying, configurable answer categories with commitments, a co-handlers'
deadline, an extension cap, automatic feedback and the deputy's evaluation.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError

from renda.core.workdays import working_days_between
from renda.handling.models import CaseKind, LimitUnit, ReplyResult, ResultCategory


@dataclass(frozen=True)
class KindPolicy:
    # 退回: a unit may return a mis-assigned item only within this many working days of assignment
    # (None: any time). Read from ``return_days_setting`` when that names a setting.
    return_working_days: int | None = None
    return_days_setting: str = ""
    # 沟通: the answering unit must record its contact with the deputy before replying.
    requires_contact: bool = False
    # 协办意见: co-handlers' views are due by the CO_VIEW stage limit (their own timer and deadline).
    co_view_timer: bool = False
    # 答复类别: configured ``ResultCategory`` rows instead of ``ReplyResult``.
    uses_result_categories: bool = False
    # 延期: longest request, and the cap on the reply deadline counted from assignment (amount, unit).
    max_extension_working_days: int = 30
    reply_cap: tuple[int, str] | None = None
    # 重办: the reply limit in later rounds (None: the stage's normal limit).
    rehandle_reply_limit: tuple[int, str] | None = None
    # 反馈: the lead's reply goes to the proposer at once (no staff feedback step).
    auto_feedback: bool = False
    # 评价: "citizen" (anyone holding the private link) or "deputy" (the proposer; co-signers add theirs).
    evaluator: str = "citizen"
    evaluator_label: str = "群众"

    @property
    def return_days(self) -> int | None:
        if self.return_days_setting:
            return getattr(settings, self.return_days_setting, self.return_working_days)
        return self.return_working_days

    def check_return_window(self, assigned_at: datetime.datetime, now: datetime.datetime) -> None:
        """Refuse a return after the window (working days after the day of assignment)."""
        days = self.return_days
        if days is not None and working_days_between(assigned_at, now) > days:
            raise ValidationError(
                f"交办已超过 {days} 个工作日，不能再退回。如确属交办错误，请与人大常委会工作机构联系调整。"
            )


OPINION_POLICY = KindPolicy()
SUGGESTION_POLICY = KindPolicy(
    return_working_days=7,
    return_days_setting="RENDA_SUGGESTION_RETURN_DAYS",
    requires_contact=True,
    co_view_timer=True,
    uses_result_categories=True,
    max_extension_working_days=130,
    reply_cap=(6, LimitUnit.MONTHS),
    rehandle_reply_limit=(1, LimitUnit.MONTHS),
    auto_feedback=True,
    evaluator="deputy",
    evaluator_label="代表",
)

_POLICIES: dict[str, KindPolicy] = {CaseKind.OPINION: OPINION_POLICY, CaseKind.SUGGESTION: SUGGESTION_POLICY}


def register_policy(kind: str, policy: KindPolicy) -> None:
    _POLICIES[kind] = policy


def policy_for(kind: str) -> KindPolicy:
    return _POLICIES.get(kind, OPINION_POLICY)


# (code, label, creates_commitment): used while no category of the kind is configured at all
# (the data migration seeds the same rows for suggestions).
DEFAULT_RESULT_CATEGORIES: dict[str, list[tuple[str, str, bool]]] = {
    CaseKind.SUGGESTION: [
        ("A", "已解决或基本解决", False),
        ("B", "正在解决或列入计划", True),
        ("C", "因条件限制暂时难以解决", False),
        ("D", "留作参考", False),
    ],
}


def _categories(kind: str) -> list[tuple[str, str, bool]]:
    rows = list(ResultCategory.objects.filter(kind=kind).order_by("order", "code"))
    if not rows:
        return DEFAULT_RESULT_CATEGORIES.get(kind, [])
    return [(r.code, r.label, r.creates_commitment) for r in rows if r.is_active]


def result_choices(kind: str) -> list[tuple[str, str]]:
    """The answer categories a reply of this kind may carry: (code, label), in order. For forms."""
    if policy_for(kind).uses_result_categories:
        return [(code, label) for code, label, _ in _categories(kind)]
    return list(ReplyResult.choices)


def result_category(kind: str, code: str) -> tuple[str, bool]:
    """(label, creates_commitment) for a valid active result of ``kind``; a Chinese error otherwise."""
    if policy_for(kind).uses_result_categories:
        for row_code, label, creates in _categories(kind):
            if row_code == code:
                return label, creates
        raise ValidationError("请选择有效的答复类别。")
    if code not in ReplyResult.values:
        raise ValidationError("请选择办理结果。")
    return "", False
