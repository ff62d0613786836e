"""Writes for 代表建议 (and 议案): drafting, co-signing, submission, registration and staff decisions.

Everything after submission runs on the shared handling engine: the case opened
by ``suggestion_submit`` is registered (``case_accept`` + a number), assigned,
signed, answered and evaluated through ``renda.handling.services`` (whose
per-kind policy gives suggestions their rules). The wrappers here add what
only suggestions know: numbers, co-signers, motions, disclosure.

Every service is keyword-only, atomic, audited and checks its actor's
permission and scope itself; refusals are ``TransitionError`` /
``ValidationError`` with a Chinese message, and nothing is written.
"""

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from renda.core.access import can_see, has_perm, is_admin
from renda.core.audit import audit_record, snapshot
from renda.core.models import Role, User
from renda.core.notifications import notify_users
from renda.handling import engine
from renda.handling import services as hs
from renda.handling.engine import TransitionError
from renda.handling.models import Case, CaseKind, CaseState, EventKind
from renda.opinions.models import Opinion
from renda.registry.models import Agency, Congress, Deputy, Mandate, MandateStatus
from renda.suggestions.attachments import clean_attachment
from renda.suggestions.models import (
    EDITABLE_STATUSES,
    CoSigner,
    CoSignStatus,
    KeyTopic,
    MotionDecision,
    MotionThreshold,
    Suggestion,
    SuggestionAttachment,
    SuggestionCategory,
    SuggestionKind,
    SuggestionSession,
    SuggestionStatus,
)
from renda.suggestions.numbering import number_next

MAX_TITLE = 200
MAX_CONTENT = 20000
MAX_ATTACHMENTS = 10
DENIED = "您没有执行此操作的权限。"


# --- Who may do what ----------------------------------------------------------------------------


def _deny(message: str = DENIED) -> None:
    raise TransitionError(message)


def is_proposer_user(user: User, suggestion: Suggestion) -> bool:
    return bool(user.role == Role.DEPUTY and user.deputy_id and user.deputy_id == suggestion.proposer_id)


def may_manage(user: User, suggestion: Suggestion) -> bool:
    """Congress staff of the suggestion's congress territory (or an administrator)."""
    if is_admin(user):
        return True
    return has_perm(user, "suggestion.manage") and can_see(user, suggestion.congress)


def may_edit(user: User, suggestion: Suggestion) -> bool:
    """The proposing deputy, or whoever drafted it on their behalf (still allowed to manage)."""
    if is_proposer_user(user, suggestion) and has_perm(user, "suggestion.draft"):
        return True
    return suggestion.created_by_id == user.pk and may_manage(user, suggestion)


def _require_edit(actor: User, suggestion: Suggestion) -> None:
    if not may_edit(actor, suggestion):
        _deny()


def _require_manage(actor: User, suggestion: Suggestion) -> None:
    if not may_manage(actor, suggestion):
        _deny()


def _lock(suggestion: Suggestion) -> Suggestion:
    return Suggestion.objects.select_for_update().select_related("congress__division", "proposer").get(pk=suggestion.pk)


def _text(value: str, what: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({_FIELD.get(what, "__all__"): f"请填写{what}。"})
    if len(value) > limit:
        raise ValidationError({_FIELD.get(what, "__all__"): f"{what}不能超过 {limit} 字。"})
    return value


_FIELD = {"标题": "title", "内容": "content"}


def _check_mandate(deputy: Deputy, congress: Congress) -> None:
    if not Mandate.objects.filter(deputy=deputy, congress=congress, status=MandateStatus.ACTIVE).exists():
        raise ValidationError(f"{deputy.name}不是{congress.name}的在任代表。")


def _check_session(congress: Congress, session: SuggestionSession) -> None:
    if session.congress_id != congress.pk:
        raise ValidationError({"session": "所选会次不属于该人大。"})


def _check_disclosure(publish: bool, reason: str) -> str:
    reason = (reason or "").strip()
    if not publish and not reason:
        raise ValidationError({"no_publish_reason": "不公开答复的，请填写不公开的理由。"})
    return reason if not publish else ""


def _kind_label(suggestion: Suggestion) -> str:
    return SuggestionKind(suggestion.kind).label


def deputy_users(deputy_ids) -> list[User]:
    return engine.active_users(Q(role=Role.DEPUTY, deputy_id__in=list(deputy_ids)))


def suggestion_link(suggestion: Suggestion) -> str:
    from renda.suggestions.hooks import suggestion_url

    return suggestion_url(suggestion)


# --- Drafting -----------------------------------------------------------------------------------


@transaction.atomic
def suggestion_create(
    *,
    actor: User,
    congress: Congress,
    session: SuggestionSession,
    title: str,
    content: str,
    kind: str = SuggestionKind.SUGGESTION,
    category: SuggestionCategory | None = None,
    proposer: Deputy | None = None,
    publish: bool = True,
    no_publish_reason: str = "",
    from_opinion: Opinion | None = None,
) -> Suggestion:
    """A new draft. A deputy drafts their own (``proposer`` is them); congress staff draft on a deputy's
    behalf (``proposer`` required, the congress in their territory). The proposer must hold an active
    mandate in ``congress`` and ``session`` must be that congress's."""
    if actor.role == Role.DEPUTY:
        if not has_perm(actor, "suggestion.draft") or not actor.deputy_id:
            _deny()
        if proposer is not None and proposer.pk != actor.deputy_id:
            _deny("代表只能以本人名义提出建议。")
        proposer = actor.deputy
    elif is_admin(actor) or (has_perm(actor, "suggestion.manage") and can_see(actor, congress)):
        if proposer is None:
            raise ValidationError({"proposer": "请选择领衔代表。"})
    else:
        _deny()
    if kind not in SuggestionKind.values:
        raise ValidationError({"kind": "类型不正确。"})
    _check_session(congress, session)
    _check_mandate(proposer, congress)
    suggestion = Suggestion.objects.create(
        kind=kind,
        congress=congress,
        session=session,
        title=_text(title, "标题", MAX_TITLE),
        content=_text(content, "内容", MAX_CONTENT),
        category=category,
        proposer=proposer,
        created_by=actor,
        publish=publish,
        no_publish_reason=_check_disclosure(publish, no_publish_reason),
        from_opinion=from_opinion,
    )
    audit_record(actor=actor, action="suggestions.suggestion.create", target=suggestion, after=snapshot(suggestion))
    return suggestion


EDITABLE_FIELDS = {"title", "content", "category", "kind", "session", "publish", "no_publish_reason"}


@transaction.atomic
def suggestion_update(*, actor: User, suggestion: Suggestion, **fields: Any) -> Suggestion:
    """Edit a draft (草稿 / 征集附议 only): any of title, content, category, kind, session, publish,
    no_publish_reason. By the proposing deputy or the staff member who drafted it."""
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    _require_edit(actor, suggestion)
    suggestion = _lock(suggestion)
    if not suggestion.is_editable:
        raise TransitionError("建议已提交，不能再修改。")
    before = snapshot(suggestion)
    for name, value in fields.items():
        setattr(suggestion, name, value)
    suggestion.title = _text(suggestion.title, "标题", MAX_TITLE)
    suggestion.content = _text(suggestion.content, "内容", MAX_CONTENT)
    if suggestion.kind not in SuggestionKind.values:
        raise ValidationError({"kind": "类型不正确。"})
    _check_session(suggestion.congress, suggestion.session)
    suggestion.no_publish_reason = _check_disclosure(suggestion.publish, suggestion.no_publish_reason)
    suggestion.updated_at = timezone.now()
    suggestion.save()
    audit_record(
        actor=actor,
        action="suggestions.suggestion.update",
        target=suggestion,
        before=before,
        after=snapshot(suggestion),
    )
    return suggestion


@transaction.atomic
def suggestion_from_opinion(
    *,
    actor: User,
    opinion: Opinion,
    congress: Congress,
    session: SuggestionSession,
    title: str = "",
    category: SuggestionCategory | None = None,
) -> Suggestion:
    """A deputy turns an opinion they can see into a draft suggestion; the link is kept both ways
    (``suggestion.from_opinion`` / ``opinion.suggestions``)."""
    if actor.role != Role.DEPUTY or not can_see(actor, opinion):
        _deny("您只能把自己收到的群众意见转为建议。")
    return suggestion_create(
        actor=actor,
        congress=congress,
        session=session,
        title=(title or "").strip() or opinion.display_title,
        content=opinion.content,
        category=category,
        from_opinion=opinion,
    )


@transaction.atomic
def suggestion_attach(*, actor: User, suggestion: Suggestion, uploaded_file) -> SuggestionAttachment:
    """Add a PDF or image to a draft (checked by content and size; images re-encoded without metadata)."""
    _require_edit(actor, suggestion)
    suggestion = _lock(suggestion)
    if not suggestion.is_editable:
        raise TransitionError("建议已提交，不能再添加附件。")
    if suggestion.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationError(f"附件最多 {MAX_ATTACHMENTS} 个。")
    content, name = clean_attachment(uploaded_file)
    attachment = SuggestionAttachment.objects.create(
        suggestion=suggestion, file=content, name=name, size=content.size, uploaded_by=actor
    )
    audit_record(actor=actor, action="suggestions.attachment.create", target=suggestion, note=name)
    return attachment


# --- Co-signing ---------------------------------------------------------------------------------


@transaction.atomic
def cosigner_invite(*, actor: User, suggestion: Suggestion, deputies: Sequence[Deputy]) -> list[CoSigner]:
    """Invite deputies of the same congress to co-sign (附议/联名); they confirm or decline themselves.
    Re-inviting someone who declined asks them again."""
    _require_edit(actor, suggestion)
    suggestion = _lock(suggestion)
    if not suggestion.is_editable:
        raise TransitionError("建议已提交，不能再邀请附议。")
    rows = []
    for deputy in dict.fromkeys(deputies):
        if deputy.pk == suggestion.proposer_id:
            raise ValidationError("领衔代表不需要附议自己的建议。")
        _check_mandate(deputy, suggestion.congress)
        row, created = CoSigner.objects.get_or_create(suggestion=suggestion, deputy=deputy)
        if not created and row.status == CoSignStatus.DECLINED:
            row.status, row.responded_at, row.invited_at = CoSignStatus.INVITED, None, timezone.now()
            row.save(update_fields=["status", "responded_at", "invited_at"])
        elif not created:
            continue
        rows.append(row)
    if not rows:
        return []
    suggestion.status = SuggestionStatus.COSIGNING
    suggestion.save(update_fields=["status"])
    names = "、".join(r.deputy.name for r in rows)
    audit_record(actor=actor, action="suggestions.cosigner.invite", target=suggestion, note=names)
    notify_users(
        deputy_users(r.deputy_id for r in rows),
        "notice.cosign_invited",
        {"deputy": suggestion.proposer.name, "kind": _kind_label(suggestion), "title": suggestion.title},
        url=suggestion_link(suggestion),
    )
    return rows


@transaction.atomic
def cosign_respond(*, actor: User, cosigner: CoSigner, accept: bool) -> CoSigner:
    """The invited deputy confirms (已附议) or declines (已谢绝), while the suggestion is not yet submitted."""
    if actor.role != Role.DEPUTY or actor.deputy_id != cosigner.deputy_id:
        _deny("只有被邀请的代表本人可以确认附议。")
    suggestion = _lock(cosigner.suggestion)
    cosigner = CoSigner.objects.select_for_update().get(pk=cosigner.pk)
    if not suggestion.is_editable:
        raise TransitionError("该建议已提交或已撤回，不能再确认附议。")
    if cosigner.status != CoSignStatus.INVITED:
        raise TransitionError(f"您已{cosigner.get_status_display()}，无需重复操作。")
    cosigner.status = CoSignStatus.CONFIRMED if accept else CoSignStatus.DECLINED
    cosigner.responded_at = timezone.now()
    cosigner.save(update_fields=["status", "responded_at"])
    audit_record(
        actor=actor, action="suggestions.cosigner.respond", target=suggestion, note=cosigner.get_status_display()
    )
    notify_users(
        deputy_users([suggestion.proposer_id]),
        "notice.cosign_answered",
        {
            "deputy": actor.deputy.name,
            "answer": "已附议" if accept else "谢绝附议",
            "kind": _kind_label(suggestion),
            "title": suggestion.title,
        },
        url=suggestion_link(suggestion),
    )
    return cosigner


def motion_threshold(congress: Congress) -> int:
    """Signers a motion needs at this congress's level (the proposer counts as one)."""
    row = MotionThreshold.objects.filter(level=congress.level).first()
    if row is not None:
        return row.min_signers
    from renda.suggestions.models import DEFAULT_MOTION_THRESHOLDS

    return DEFAULT_MOTION_THRESHOLDS.get(congress.level, 1)


def signer_count(suggestion: Suggestion) -> int:
    """The proposer plus every confirmed co-signer."""
    return 1 + suggestion.cosigners.filter(status=CoSignStatus.CONFIRMED).count()


# --- Submission and withdrawal ------------------------------------------------------------------


@transaction.atomic
def suggestion_submit(*, actor: User, suggestion: Suggestion) -> Suggestion:
    """Submit a draft: a handling case of kind SUGGESTION opens (待立案) and congress staff are told.
    A motion needs at least the level's joint-signature threshold of signers (proposer + confirmed)."""
    _require_edit(actor, suggestion)
    suggestion = _lock(suggestion)
    if not suggestion.is_editable:
        raise TransitionError(f"该建议当前状态为“{suggestion.get_status_display()}”，不能提交。")
    if suggestion.kind == SuggestionKind.MOTION:
        need, have = motion_threshold(suggestion.congress), signer_count(suggestion)
        if have < need:
            raise ValidationError(f"议案须由 {need} 名以上代表联名（含领衔代表），目前仅 {have} 名确认，不能提交。")
    now = timezone.now()
    case = hs.case_open(
        actor=actor,
        kind=CaseKind.SUGGESTION,
        title=suggestion.title,
        division=suggestion.congress.division,
        congress=suggestion.congress,
        deputy=suggestion.proposer,
        category_key=suggestion.category.name if suggestion.category_id else "",
        at=now,
        notify=False,
    )
    suggestion.case = case
    suggestion.status = SuggestionStatus.SUBMITTED
    suggestion.submitted_at = now
    suggestion.save(update_fields=["case", "status", "submitted_at"])
    audit_record(actor=actor, action="suggestions.suggestion.submit", target=suggestion)
    notify_users(
        engine.congress_users(case),
        "notice.suggestion_submitted",
        {"deputy": suggestion.proposer.name, "kind": _kind_label(suggestion), "title": suggestion.title},
        url=suggestion_link(suggestion),
    )
    return suggestion


@transaction.atomic
def suggestion_withdraw(*, actor: User, suggestion: Suggestion, reason: str = "") -> Suggestion:
    """撤回 before registration: a draft simply stops; a submitted one leaves the staff's queue
    (its case is closed as 不予受理 with the note “代表撤回”)."""
    _require_edit(actor, suggestion)
    suggestion = _lock(suggestion)
    reason = (reason or "").strip()[:500]
    if suggestion.status == SuggestionStatus.SUBMITTED:
        case = engine.lock(suggestion.case)
        if case.state != CaseState.SUBMITTED:
            raise TransitionError("建议已立案或已处理，不能撤回。")
    elif suggestion.status not in EDITABLE_STATUSES:
        raise TransitionError("该建议已撤回。")
    now = timezone.now()
    suggestion.status = SuggestionStatus.WITHDRAWN
    suggestion.withdrawn_at = now
    suggestion.save(update_fields=["status", "withdrawn_at"])
    if suggestion.case_id:
        note = "代表撤回" + (f"：{reason}" if reason else "")
        event = engine.move(case, EventKind.REJECT, actor=actor, to_state=CaseState.REJECTED, note=note, at=now)
        case.reject_reason, case.closed_at = note, now
        case.save(update_fields=["reject_reason", "closed_at"])
        engine.after_event(case, event)
    audit_record(actor=actor, action="suggestions.suggestion.withdraw", target=suggestion, note=reason)
    return suggestion


# --- Congress staff: registration, decline, key suggestions, motions, disclosure ---------------


def _submitted_case(suggestion: Suggestion) -> Case:
    if suggestion.case_id is None:
        raise TransitionError("该建议尚未提交。")
    return suggestion.case


@transaction.atomic
def suggestion_register(*, actor: User, suggestion: Suggestion, note: str = "") -> Suggestion:
    """立案: the case is accepted and the suggestion gets the next number of its congress and session."""
    _require_manage(actor, suggestion)
    suggestion = _lock(suggestion)
    case = _submitted_case(suggestion)
    if suggestion.status == SuggestionStatus.WITHDRAWN:
        raise TransitionError("该建议已撤回。")
    engine.check_move(case, EventKind.ACCEPT, CaseState.ACCEPTED)
    suggestion.number = number_next(suggestion.session)
    suggestion.registered_at = timezone.now()
    suggestion.save(update_fields=["number", "registered_at"])
    hs.case_accept(actor=actor, case=case, note=note)  # hooks tell the deputy the number
    audit_record(actor=actor, action="suggestions.suggestion.register", target=suggestion, note=suggestion.number_label)
    return suggestion


@transaction.atomic
def suggestion_decline(*, actor: User, suggestion: Suggestion, reason: str) -> Suggestion:
    """不予立案 with a reason: the case is rejected, the suggestion kept as a reference opinion; the deputy is told."""
    _require_manage(actor, suggestion)
    case = _submitted_case(suggestion)
    hs.case_reject(actor=actor, case=case, reason=reason)
    audit_record(actor=actor, action="suggestions.suggestion.decline", target=suggestion, note=reason)
    return suggestion


@transaction.atomic
def suggestion_assign(
    *,
    actor: User,
    suggestion: Suggestion,
    lead: Agency | None = None,
    co: Sequence[Agency] = (),
    split: Sequence[Agency] = (),
    instructions: str = "",
) -> Suggestion:
    """交办 a registered suggestion (lead + co, or split) — ``handling.services.case_assign`` with a scope check."""
    _require_manage(actor, suggestion)
    case = _submitted_case(suggestion)
    if suggestion.kind == SuggestionKind.MOTION and suggestion.decision != MotionDecision.AS_SUGGESTION:
        raise TransitionError("议案须先作出“不列入议程，作为建议处理”的决定后才能交办。")
    hs.case_assign(actor=actor, case=case, lead=lead, co=co, split=split, instructions=instructions)
    return suggestion


@transaction.atomic
def key_topic_create(*, actor: User, congress: Congress, title: str, leader: str = "", note: str = "") -> KeyTopic:
    """A 重点督办 topic of a congress (staff of its territory)."""
    if not (is_admin(actor) or (has_perm(actor, "suggestion.manage") and can_see(actor, congress))):
        _deny()
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "请填写专题名称。"})
    topic = KeyTopic.objects.create(
        congress=congress, title=title[:150], leader=(leader or "").strip()[:50], note=(note or "").strip()
    )
    audit_record(actor=actor, action="suggestions.topic.create", target=topic, after=snapshot(topic))
    return topic


@transaction.atomic
def suggestion_mark_key(
    *, actor: User, suggestion: Suggestion, is_key: bool = True, topic: KeyTopic | None = None
) -> Suggestion:
    """重点督办: mark (optionally under a topic of the same congress) or unmark."""
    _require_manage(actor, suggestion)
    suggestion = _lock(suggestion)
    if topic is not None and topic.congress_id != suggestion.congress_id:
        raise ValidationError({"topic": "督办专题不属于该人大。"})
    before = snapshot(suggestion)
    suggestion.is_key = is_key
    suggestion.topic = topic if is_key else None
    suggestion.save(update_fields=["is_key", "topic"])
    audit_record(
        actor=actor, action="suggestions.suggestion.mark_key", target=suggestion, before=before,
        after=snapshot(suggestion),
    )  # fmt: skip
    return suggestion


@transaction.atomic
def motion_decide(*, actor: User, suggestion: Suggestion, decision: str, note: str = "") -> Suggestion:
    """The presidium's / special committee's decision on a registered motion:

    * 列入议程: it stays a motion, handled by the congress's agenda (no agency assignment);
    * 不列入议程，作为建议处理: it continues as a suggestion (assign it as usual);
    * 不列入议程: the case closes (不予受理) with the note.
    """
    _require_manage(actor, suggestion)
    if decision not in MotionDecision.values:
        raise ValidationError({"decision": "请选择处理决定。"})
    suggestion = _lock(suggestion)
    if suggestion.kind != SuggestionKind.MOTION or suggestion.decision:
        raise TransitionError("只有尚未作出决定的议案可以作出处理决定。")
    case = engine.lock(_submitted_case(suggestion))
    if case.state != CaseState.ACCEPTED or suggestion.number is None:
        raise TransitionError("议案立案后、交办前才能作出处理决定。")
    note = (note or "").strip()
    now = timezone.now()
    suggestion.decision, suggestion.decided_at, suggestion.decided_by = decision, now, actor
    suggestion.decision_note = note
    label = MotionDecision(decision).label
    if decision == MotionDecision.AS_SUGGESTION:
        suggestion.kind = SuggestionKind.SUGGESTION
    suggestion.save(update_fields=["decision", "decided_at", "decided_by", "decision_note", "kind"])
    if decision == MotionDecision.NOT_AGENDA:
        hs.case_reject(actor=actor, case=case, reason=f"{label}" + (f"：{note}" if note else ""))
    else:
        if decision == MotionDecision.AGENDA:
            # Handled on the congress's agenda, not by an agency against a deadline.
            engine.clear_timers(case, now=now)
            case.stage, case.stage_due_at = "", None
        event = engine.move(case, EventKind.NOTE, actor=actor, note=f"议案处理决定：{label}。{note}", at=now)
        engine.after_event(case, event)
    audit_record(actor=actor, action="suggestions.motion.decide", target=suggestion, note=f"{label} {note}".strip())
    notify_users(
        deputy_users([suggestion.proposer_id]),
        "notice.suggestion_decided",
        {"title": suggestion.title, "decision": label, "reason": note},
        url=suggestion_link(suggestion),
    )
    return suggestion


@transaction.atomic
def suggestion_set_disclosure(*, actor: User, suggestion: Suggestion, publish: bool, reason: str = "") -> Suggestion:
    """Publish the reply on the public site, or not (a reason is then required and recorded)."""
    _require_manage(actor, suggestion)
    reason = _check_disclosure(publish, reason)
    suggestion = _lock(suggestion)
    before = snapshot(suggestion)
    suggestion.publish, suggestion.no_publish_reason = publish, reason
    if not publish:
        suggestion.published_at = None
    elif suggestion.published_at is None and suggestion.case_id and suggestion.case.replied_at:
        suggestion.published_at = timezone.now()
    suggestion.save(update_fields=["publish", "no_publish_reason", "published_at"])
    audit_record(
        actor=actor, action="suggestions.suggestion.disclosure", target=suggestion, before=before,
        after=snapshot(suggestion), note=reason,
    )  # fmt: skip
    return suggestion
