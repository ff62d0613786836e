"""Shared write helpers: validate, save and audit in one transaction."""

from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction

from renda.core.audit import audit_record, snapshot
from renda.core.models import User

M = TypeVar("M", bound=models.Model)


def action_code(instance: models.Model, verb: str) -> str:
    meta = instance._meta
    return f"{meta.app_label}.{meta.model_name}.{verb}"


def _assign(instance: models.Model, fields: dict[str, Any]) -> None:
    known = {f.name for f in instance._meta.concrete_fields if f.editable and not f.primary_key}
    unknown = set(fields) - known
    if unknown:
        raise ValidationError(f"不能修改这些字段：{', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(instance, name, value)


def _raw(instance: models.Model) -> list[Any]:
    return [getattr(instance, f.attname) for f in instance._meta.concrete_fields]


@transaction.atomic
def record_create(*, actor: User | None, instance: M, note: str = "") -> M:
    instance.full_clean()
    instance.save()
    audit_record(
        actor=actor, action=action_code(instance, "create"), target=instance, after=snapshot(instance), note=note
    )
    return instance


@transaction.atomic
def record_update(
    *, actor: User | None, instance: M, fields: dict[str, Any], note: str = "", verb: str = "update"
) -> M:
    locked = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    before = snapshot(locked)
    raw_before = _raw(locked)
    _assign(locked, fields)
    locked.full_clean()
    after = snapshot(locked)
    # Compare raw values too: a change to a private field looks the same in the masked snapshot.
    if after != before or _raw(locked) != raw_before:
        locked.save()
        audit_record(
            actor=actor, action=action_code(locked, verb), target=locked, before=before, after=after, note=note
        )
    return locked


def record_set_active(*, actor: User | None, instance: M, active: bool, note: str = "") -> M:
    return record_update(
        actor=actor,
        instance=instance,
        fields={"is_active": active},
        note=note,
        verb="activate" if active else "deactivate",
    )
