"""Configuration writes of the handling engine: stage time limits (audited)."""

from typing import Any

from django.core.exceptions import ValidationError

from renda.core.models import User
from renda.core.services import record_create, record_set_active, record_update
from renda.handling.models import LimitUnit, StageLimit

MAX_AMOUNT = {LimitUnit.HOURS: 720, LimitUnit.DAYS: 365, LimitUnit.WORKING_DAYS: 250, LimitUnit.MONTHS: 12}


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    if "category_prefix" in data:
        data["category_prefix"] = "/".join(p.strip() for p in (data["category_prefix"] or "").split("/") if p.strip())
    amount, unit = data.get("amount"), data.get("unit")
    if amount is not None and unit in MAX_AMOUNT and not 1 <= int(amount) <= MAX_AMOUNT[unit]:
        raise ValidationError({"amount": f"时限应在 1 至 {MAX_AMOUNT[unit]} {LimitUnit(unit).label}之间。"})
    return data


def stage_limit_create(
    *,
    actor: User | None,
    stage: str,
    amount: int,
    unit: str,
    urgency: str = "",
    category_prefix: str = "",
    kind: str = "",
) -> StageLimit:
    data = _clean(
        {"stage": stage, "amount": amount, "unit": unit, "urgency": urgency, "category_prefix": category_prefix,
         "kind": kind}
    )  # fmt: skip
    return record_create(actor=actor, instance=StageLimit(**data))


def stage_limit_update(*, actor: User | None, limit: StageLimit, **fields: Any) -> StageLimit:
    current = {"amount": limit.amount, "unit": limit.unit}
    return record_update(actor=actor, instance=limit, fields=_clean({**current, **fields}))


def stage_limit_set_active(*, actor: User | None, stage_limit: StageLimit, active: bool) -> StageLimit:
    return record_set_active(actor=actor, instance=stage_limit, active=active)
