"""Writes of 重复与热点: following an existing item, and staff decisions on hotspots and 重点约访.

The one-click merge is the handling engine's ``case_merge`` (through ``console:opinion_act``,
action ``merge``): there is one merge in the platform.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from renda.core.access import has_perm
from renda.core.audit import audit_record
from renda.core.models import User
from renda.opinions.models import Opinion
from renda.similar.models import Follower, Hotspot, HotspotMember, HotspotStatus, ProposalStatus, VisitProposal

S = HotspotStatus
TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.RISING, S.VISIT_PROPOSED, S.CLOSED}),
    S.RISING: frozenset({S.VISIT_PROPOSED, S.CLOSED}),
    S.VISIT_PROPOSED: frozenset({S.VISITED, S.RISING, S.CLOSED}),
    S.VISITED: frozenset({S.CLOSED}),
    S.CLOSED: frozenset({S.NEW}),
}


def _require(actor: User, perm: str) -> None:
    if not has_perm(actor, perm):
        raise ValidationError("您没有执行此操作的权限。")


def _move(hotspot: Hotspot, to: str) -> None:
    if to not in TRANSITIONS.get(hotspot.status, frozenset()):
        raise ValidationError(f"热点不能从“{hotspot.get_status_display()}”变为“{HotspotStatus(to).label}”。")
    hotspot.status = to
    hotspot.updated_at = timezone.now()
    hotspot.save(update_fields=["status", "updated_at"])


def _lock(model, pk):
    return model.objects.select_for_update().get(pk=pk)


@transaction.atomic
def opinion_follow(*, opinion: Opinion, phone: str = "", phone_verified: bool = False, ip: str | None = None) -> tuple[Follower, bool]:
    """A citizen follows an open item instead of filing it again. Idempotent per verified phone.

    Returns (follower, created)."""
    from renda.handling.models import OPEN_STATES

    if opinion.is_spam or opinion.case_id is None or opinion.case.state not in OPEN_STATES:
        raise ValidationError("该事项已办结或不可关注，请直接提交您的意见。")
    phone = phone if phone_verified else ""
    if phone:
        existing = Follower.objects.filter(opinion=opinion, phone=phone).first()
        if existing:
            return existing, False
    try:
        with transaction.atomic():
            follower = Follower.objects.create(opinion=opinion, phone=phone, phone_verified=bool(phone), client_ip=ip)
    except IntegrityError:  # the same phone twice at once
        return Follower.objects.get(opinion=opinion, phone=phone), False
    audit_record(actor=None, action="similar.follower.create", target=opinion, after={"phone_verified": bool(phone)})
    member = HotspotMember.objects.filter(opinion=opinion).select_related("hotspot").first()
    if member:
        from renda.similar.hotspots import refresh

        refresh([member.hotspot])
    return follower, True


def follower_count(opinion: Opinion) -> int:
    return Follower.objects.filter(opinion=opinion).count()


@transaction.atomic
def proposal_accept(*, actor: User, proposal: VisitProposal, note: str = "") -> VisitProposal:
    """采纳 a 重点约访 proposal: recorded (the visit itself is arranged by the station)."""
    _require(actor, "similar.manage")
    proposal = _lock(VisitProposal, proposal.pk)
    if proposal.status != ProposalStatus.PROPOSED:
        raise ValidationError(f"该建议已{proposal.get_status_display()}，不能重复处理。")
    hotspot = _lock(Hotspot, proposal.hotspot_id)
    _move(hotspot, S.VISITED)
    proposal.status, proposal.decided_by, proposal.decided_at = ProposalStatus.ACCEPTED, actor, timezone.now()
    proposal.note = (note or "").strip()[:500]
    proposal.save(update_fields=["status", "decided_by", "decided_at", "note"])
    audit_record(actor=actor, action="similar.proposal.accept", target=proposal, note=proposal.note)
    return proposal


@transaction.atomic
def proposal_dismiss(*, actor: User, proposal: VisitProposal, note: str) -> VisitProposal:
    _require(actor, "similar.manage")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "请填写忽略的理由。"})
    proposal = _lock(VisitProposal, proposal.pk)
    if proposal.status != ProposalStatus.PROPOSED:
        raise ValidationError(f"该建议已{proposal.get_status_display()}，不能重复处理。")
    hotspot = _lock(Hotspot, proposal.hotspot_id)
    _move(hotspot, S.RISING)
    proposal.status, proposal.decided_by, proposal.decided_at = ProposalStatus.DISMISSED, actor, timezone.now()
    proposal.note = note[:500]
    proposal.save(update_fields=["status", "decided_by", "decided_at", "note"])
    audit_record(actor=actor, action="similar.proposal.dismiss", target=proposal, note=proposal.note)
    return proposal


@transaction.atomic
def hotspot_close(*, actor: User, hotspot: Hotspot, note: str = "") -> Hotspot:
    """关闭 a hotspot (solved, or not a real cluster): it stops growing; new reports start a new one."""
    _require(actor, "similar.manage")
    hotspot = _lock(Hotspot, hotspot.pk)
    before = hotspot.status
    _move(hotspot, S.CLOSED)
    VisitProposal.objects.filter(hotspot=hotspot, status=ProposalStatus.PROPOSED).update(
        status=ProposalStatus.DISMISSED, decided_by=actor, decided_at=timezone.now(), note="热点已关闭"
    )
    audit_record(actor=actor, action="similar.hotspot.close", target=hotspot, before={"status": before},
                 after={"status": hotspot.status}, note=(note or "").strip())
    return hotspot
