"""Writes to the registry. Every function is atomic and audited (see core.services)."""

import datetime
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from renda.core.audit import audit_record, snapshot
from renda.core.models import User
from renda.core.services import record_create, record_set_active, record_update
from renda.registry.models import (
    DIVISION_DEPTH,
    MAX_DEPUTY_LEADERS,
    Agency,
    ChecklistItem,
    Congress,
    Deputy,
    Division,
    DivisionLevel,
    Grid,
    GridDeputy,
    Mandate,
    MandateStatus,
    StaffRole,
    Station,
    StationChecklist,
    StationDeputy,
    StationStaff,
    Term,
)

CODE_RE = re.compile(r"^\d{6}(\d{3}){0,2}$")


def normalize_division_code(code: str) -> str:
    code = (code or "").strip()
    if not CODE_RE.match(code):
        raise ValidationError({"code": f"区划代码“{code}”格式不正确：应为 6、9 或 12 位数字。"})
    return code


def _significant(code: str) -> str:
    """The part of a code that identifies the node (trailing zero groups removed)."""
    code = code.ljust(12, "0")
    for length in (2, 4, 6, 9, 12):
        if set(code[length:]) <= {"0"}:
            return code[:length]
    return code


def _check_parent(code: str, level: str, parent: Division | None) -> None:
    if level == DivisionLevel.NATION:
        if parent is not None:
            raise ValidationError({"parent": "“全国”不能有上级区划。"})
        return
    if parent is None:
        raise ValidationError({"parent": "请选择上级区划。"})
    if DIVISION_DEPTH[level] <= DIVISION_DEPTH[parent.level]:
        raise ValidationError(
            {"level": f"层级“{DivisionLevel(level).label}”不能位于“{parent.get_level_display()}”之下。"}
        )
    if parent.level != DivisionLevel.NATION and not code.ljust(12, "0").startswith(_significant(parent.code)):
        raise ValidationError({"code": f"区划代码 {code} 与上级区划“{parent.name}”（{parent.code}）不一致。"})


def division_create(
    *, actor: User | None, code: str, name: str, level: str, parent: Division | None, **fields: Any
) -> Division:
    code = normalize_division_code(code)
    if Division.objects.filter(code=code).exists():
        raise ValidationError({"code": f"区划代码 {code} 已存在。"})
    _check_parent(code, level, parent)
    division = Division(
        code=code,
        name=name.strip(),
        level=level,
        parent=parent,
        path=f"{parent.path if parent else '/'}{code}/",
        depth=(parent.depth + 1) if parent else 0,
        **fields,
    )
    return record_create(actor=actor, instance=division)


def division_update(*, actor: User | None, division: Division, **fields: Any) -> Division:
    if {"code", "parent", "level"} & set(fields):
        raise ValidationError("区划代码、层级和上级区划创建后不能修改；如需调整，请停用后新建。")
    return record_update(actor=actor, instance=division, fields=fields)


def division_set_active(*, actor: User | None, division: Division, active: bool) -> Division:
    return record_set_active(actor=actor, instance=division, active=active)


def congress_create(*, actor: User | None, **fields: Any) -> Congress:
    return record_create(actor=actor, instance=Congress(**fields))


def congress_update(*, actor: User | None, congress: Congress, **fields: Any) -> Congress:
    return record_update(actor=actor, instance=congress, fields=fields)


def congress_set_active(*, actor: User | None, congress: Congress, active: bool) -> Congress:
    return record_set_active(actor=actor, instance=congress, active=active)


def term_create(
    *, actor: User | None, congress: Congress, number: int, starts_on: datetime.date, **fields: Any
) -> Term:
    if Term.objects.filter(congress=congress, number=number).exists():
        raise ValidationError({"number": f"{congress.name}第{number}届已存在。"})
    return record_create(actor=actor, instance=Term(congress=congress, number=number, starts_on=starts_on, **fields))


def next_deputy_number() -> str:
    last = Deputy.objects.filter(number__startswith="D").order_by("-number").values_list("number", flat=True).first()
    seq = int(last[1:]) + 1 if last and last[1:].isdigit() else 1
    return f"D{seq:07d}"


def _check_deputy_unique(*, id_number: str, exclude_pk: int | None = None) -> None:
    if id_number:
        clash = Deputy.objects.filter(id_number=id_number).exclude(pk=exclude_pk).first()
        if clash:
            raise ValidationError(
                {"id_number": f"身份证号已登记在代表“{clash.name}”（{clash.number}）名下，请勿重复录入。"}
            )


def deputy_create(*, actor: User | None, name: str, gender: str, number: str = "", **fields: Any) -> Deputy:
    _check_deputy_unique(id_number=fields.get("id_number", ""))
    deputy = Deputy(name=name.strip(), gender=gender, number=number or next_deputy_number(), **fields)
    return record_create(actor=actor, instance=deputy)


def deputy_update(*, actor: User | None, deputy: Deputy, **fields: Any) -> Deputy:
    if "id_number" in fields:
        _check_deputy_unique(id_number=fields["id_number"], exclude_pk=deputy.pk)
    return record_update(actor=actor, instance=deputy, fields=fields)


def deputy_set_active(*, actor: User | None, deputy: Deputy, active: bool) -> Deputy:
    return record_set_active(actor=actor, instance=deputy, active=active)


def mandate_create(
    *, actor: User | None, deputy: Deputy, term: Term, started_on: datetime.date, **fields: Any
) -> Mandate:
    if Mandate.objects.filter(deputy=deputy, term=term).exists():
        raise ValidationError(f"{deputy.name}在{term}已有代表资格。")
    mandate = Mandate(deputy=deputy, term=term, congress=term.congress, started_on=started_on, **fields)
    return record_create(actor=actor, instance=mandate)


MANDATE_TRANSITIONS: dict[str, set[str]] = {
    MandateStatus.ACTIVE: {MandateStatus.SUSPENDED, MandateStatus.ENDED, MandateStatus.TERMINATED},
    MandateStatus.SUSPENDED: {MandateStatus.ACTIVE, MandateStatus.ENDED, MandateStatus.TERMINATED},
    MandateStatus.ENDED: set(),
    MandateStatus.TERMINATED: set(),
}


@transaction.atomic
def mandate_change_status(
    *, actor: User | None, mandate: Mandate, status: str, reason: str = "", on: datetime.date | None = None
) -> Mandate:
    mandate = Mandate.objects.select_for_update().get(pk=mandate.pk)
    if status not in MANDATE_TRANSITIONS[mandate.status]:
        raise ValidationError(
            f"代表资格当前为“{mandate.get_status_display()}”，不能改为“{MandateStatus(status).label}”。"
        )
    if status in (MandateStatus.ENDED, MandateStatus.TERMINATED) and not reason.strip():
        raise ValidationError({"end_reason": "请填写终止原因。"})
    fields: dict[str, Any] = {"status": status}
    if status in (MandateStatus.ENDED, MandateStatus.TERMINATED):
        fields |= {"ended_on": on or timezone.localdate(), "end_reason": reason.strip()}
    return record_update(actor=actor, instance=mandate, fields=fields, note=reason, verb=f"status.{status}")


def station_create(*, actor: User | None, **fields: Any) -> Station:
    station = record_create(actor=actor, instance=Station(**fields))
    StationChecklist.objects.bulk_create(StationChecklist(station=station, item=item) for item in ChecklistItem.values)
    return station


def station_update(*, actor: User | None, station: Station, **fields: Any) -> Station:
    return record_update(actor=actor, instance=station, fields=fields)


def station_set_active(*, actor: User | None, station: Station, active: bool) -> Station:
    return record_set_active(actor=actor, instance=station, active=active)


def _membership_add(*, actor, model, group_field: str, group, deputy: Deputy, label: str):
    with transaction.atomic():
        if model.objects.filter(**{group_field: group}, deputy=deputy, left_on=None).exists():
            raise ValidationError(f"{deputy.name}已在{label}“{group}”中。")
        return record_create(actor=actor, instance=model(**{group_field: group}, deputy=deputy))


def _membership_end(*, actor, model, group_field: str, group, deputy: Deputy, label: str):
    membership = model.objects.filter(**{group_field: group}, deputy=deputy, left_on=None).first()
    if membership is None:
        raise ValidationError(f"{deputy.name}不在{label}“{group}”中。")
    return record_update(actor=actor, instance=membership, fields={"left_on": timezone.localdate()}, verb="end")


def station_assign_deputy(*, actor: User | None, station: Station, deputy: Deputy) -> StationDeputy:
    return _membership_add(
        actor=actor, model=StationDeputy, group_field="station", group=station, deputy=deputy, label="家站点"
    )


def station_remove_deputy(*, actor: User | None, station: Station, deputy: Deputy) -> StationDeputy:
    return _membership_end(
        actor=actor, model=StationDeputy, group_field="station", group=station, deputy=deputy, label="家站点"
    )


@transaction.atomic
def station_staff_add(*, actor: User | None, station: Station, role: str, name: str, **fields: Any) -> StationStaff:
    existing = StationStaff.objects.select_for_update().filter(station=station, role=role).count()
    if role == StaffRole.LEADER and existing:
        raise ValidationError("每个家站点只能有一名组长（站长）。")
    if role == StaffRole.DEPUTY_LEADER and existing >= MAX_DEPUTY_LEADERS:
        raise ValidationError(f"副组长最多 {MAX_DEPUTY_LEADERS} 名。")
    return record_create(actor=actor, instance=StationStaff(station=station, role=role, name=name, **fields))


@transaction.atomic
def station_staff_remove(*, actor: User | None, staff: StationStaff) -> None:
    audit_record(actor=actor, action="registry.stationstaff.delete", target=staff.station, before=snapshot(staff))
    staff.delete()


def station_checklist_update(
    *, actor: User | None, station: Station, item: str, met: bool, evidence: str = "", evidence_file=None
) -> StationChecklist:
    row, _ = StationChecklist.objects.get_or_create(station=station, item=item)
    fields: dict[str, Any] = {"met": met, "evidence": evidence, "updated_at": timezone.now()}
    if evidence_file is not None:
        fields["evidence_file"] = evidence_file
    return record_update(actor=actor, instance=row, fields=fields)


def grid_create(*, actor: User | None, **fields: Any) -> Grid:
    division = fields.get("division")
    if division is not None and division.level != DivisionLevel.VILLAGE:
        raise ValidationError({"division": "网格只能设在村（社区）之下。"})
    return record_create(actor=actor, instance=Grid(**fields))


def grid_update(*, actor: User | None, grid: Grid, **fields: Any) -> Grid:
    return record_update(actor=actor, instance=grid, fields=fields)


def grid_set_active(*, actor: User | None, grid: Grid, active: bool) -> Grid:
    return record_set_active(actor=actor, instance=grid, active=active)


def grid_assign_deputy(*, actor: User | None, grid: Grid, deputy: Deputy) -> GridDeputy:
    return _membership_add(actor=actor, model=GridDeputy, group_field="grid", group=grid, deputy=deputy, label="网格")


def grid_remove_deputy(*, actor: User | None, grid: Grid, deputy: Deputy) -> GridDeputy:
    return _membership_end(actor=actor, model=GridDeputy, group_field="grid", group=grid, deputy=deputy, label="网格")


def agency_create(*, actor: User | None, **fields: Any) -> Agency:
    return record_create(actor=actor, instance=Agency(**fields))


def agency_update(*, actor: User | None, agency: Agency, **fields: Any) -> Agency:
    return record_update(actor=actor, instance=agency, fields=fields)


def agency_set_active(*, actor: User | None, agency: Agency, active: bool) -> Agency:
    return record_set_active(actor=actor, instance=agency, active=active)
