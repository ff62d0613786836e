"""承诺事项 and 沟通联系: what an answering unit undertook, and its contact with the deputy.

Both belong to the shared engine (any kind may use them); suggestions require
contact before a reply (``KindPolicy.requires_contact``) and B-category answers
create commitments that stay open until fulfilled.
"""

import datetime
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from renda.core.access import can_see, has_perm
from renda.core.audit import audit_record
from renda.core.models import Role, User
from renda.handling import engine
from renda.handling.engine import TransitionError, lock, move
from renda.handling.models import (
    ANSWERING_ROLES,
    Case,
    CaseContact,
    Commitment,
    ContactMethod,
    EventKind,
    Reply,
)

MAX_COMMITMENTS = 20


def commitment_items(
    commitments: Iterable[str | tuple[str, datetime.date | None]],
) -> list[tuple[str, datetime.date | None]]:
    """Normalise texts or (text, due date) pairs; blanks dropped, a Chinese error when too many."""
    items = []
    for item in commitments or ():
        text, due = (item, None) if isinstance(item, str) else (item[0], item[1] if len(item) > 1 else None)
        text = (text or "").strip()
        if text:
            items.append((text[:2000], due))
    if len(items) > MAX_COMMITMENTS:
        raise ValidationError(f"承诺事项最多 {MAX_COMMITMENTS} 项。")
    return items


def commitments_create(*, reply: Reply, items: Sequence[tuple[str, datetime.date | None]], at) -> list[Commitment]:
    """Open commitments for a reply (called by ``case_reply`` inside its transaction)."""
    agency_id = reply.assignment.agency_id if reply.assignment_id else None
    if not items or agency_id is None:
        return []
    return Commitment.objects.bulk_create(
        Commitment(case_id=reply.case_id, reply=reply, agency_id=agency_id, text=text, due_on=due, created_at=at)
        for text, due in items
    )


def _may_fulfil(actor: User, commitment: Commitment) -> bool:
    if actor.role == Role.AGENCY_HANDLER:
        return has_perm(actor, "case.handle") and actor.agency_id == commitment.agency_id
    return has_perm(actor, "case.supervise") and can_see(actor, commitment.case)


@transaction.atomic
def commitment_fulfil(*, actor: User, commitment: Commitment, note: str) -> Commitment:
    """Mark a commitment fulfilled (落实), with what was done: the committing unit's handler, or congress staff.

    Works in any case state (commitments outlive the case's closing); recorded as an event.
    """
    note = (note or "").strip()
    if not note:
        raise ValidationError("请填写落实情况。")
    if not _may_fulfil(actor, commitment):
        raise TransitionError("只有作出承诺的承办单位或人大工作人员可以确认落实。")
    case = lock(commitment.case)
    commitment = Commitment.objects.select_for_update().select_related("agency").get(pk=commitment.pk)
    if commitment.fulfilled_at is not None:
        raise ValidationError("该承诺事项已确认落实。")
    now = timezone.now()
    commitment.fulfilled_at, commitment.fulfilled_by, commitment.fulfil_note = now, actor, note[:2000]
    commitment.save(update_fields=["fulfilled_at", "fulfilled_by", "fulfil_note"])
    event = move(
        case,
        EventKind.FULFIL,
        actor=actor,
        note=note,
        agency=commitment.agency,
        data={"commitment": commitment.pk},
        at=now,
    )
    audit_record(actor=actor, action="handling.commitment.fulfil", target=commitment, note=note[:200])
    engine.after_event(case, event)
    return commitment


@transaction.atomic
def case_record_contact(
    *,
    actor: User,
    case: Case,
    method: str,
    contacted_on: datetime.date,
    content: str,
    version: int | None = None,
) -> CaseContact:
    """沟通联系: the answering unit (lead or split) records its contact with the deputy (面商/电话/书面)."""
    if not has_perm(actor, "case.handle"):
        raise TransitionError("您没有执行此操作的权限。")
    content = (content or "").strip()
    errors = {}
    if method not in ContactMethod.values:
        errors["method"] = "请选择沟通方式（面商、电话或书面）。"
    if not isinstance(contacted_on, datetime.date):
        errors["contacted_on"] = "请填写沟通日期。"
    elif contacted_on > timezone.localdate():
        errors["contacted_on"] = "沟通日期不能晚于今天。"
    if not content:
        errors["content"] = "请填写沟通情况。"
    if errors:
        raise ValidationError(errors)
    case = lock(case, version)
    engine.check_move(case, EventKind.CONTACT)
    qs = engine.active_assignments(case).filter(role__in=ANSWERING_ROLES)
    if actor.role == Role.AGENCY_HANDLER:
        qs = qs.filter(agency_id=actor.agency_id)
    assignment = qs.first()
    if assignment is None:
        raise TransitionError("沟通联系由主办（分办）单位记录；您的单位没有该事项的在办主办任务。")
    contact = CaseContact.objects.create(
        case=case,
        assignment=assignment,
        agency=assignment.agency,
        method=method,
        contacted_on=contacted_on,
        content=content[:5000],
        recorded_by=actor,
    )
    event = move(
        case,
        EventKind.CONTACT,
        actor=actor,
        note=content,
        agency=assignment.agency,
        data={"contact": contact.pk, "method": method, "on": contacted_on.isoformat()},
        at=contact.at,
    )
    engine.after_event(case, event)
    return contact
