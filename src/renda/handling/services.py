"""Every move of the handling loop, one service each (DESIGN.md §4).

Each service locks the case row, checks the move against ``engine.TRANSITIONS``
(and, when given, the version the actor saw: a second person acting on the
same screen gets a ``ConflictError`` instead of overwriting), records an
immutable event, and queues notifications that leave only after commit.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from renda.core.access import can_see, has_perm
from renda.core.models import Notification, Role, User
from renda.core.notifications import notification_rows, notify_users, template_text
from renda.core.workdays import add_working_days
from renda.handling import deadlines, engine
from renda.handling.commitments import commitment_items, commitments_create
from renda.handling.engine import ConflictError, TransitionError, lock, move
from renda.handling.models import (
    ANSWERING_ROLES,
    AssignmentRole,
    AssignmentStatus,
    Case,
    CaseEvent,
    CaseState,
    CloseReason,
    Evaluation,
    EventKind,
    ExtensionRequest,
    ExtensionStatus,
    Reply,
    ReplyAttachment,
    Satisfaction,
    Stage,
    Supervision,
    Timer,
    Urgency,
)
from renda.handling.policy import policy_for, result_category
from renda.registry.models import Agency, Congress, Division

MAX_SUPERVISION_LEVEL = 3


def _require(actor: User | None, perm: str) -> None:
    if actor is not None and not has_perm(actor, perm):
        raise TransitionError("您没有执行此操作的权限。")


def _require_scope(actor: User | None, case: Case) -> None:
    """Staff decisions on a case: the case must be in the actor's scope (the same rule as the pages),
    so a service reached some other way than a scoped page (API, script) cannot act outside it."""
    if actor is not None and not can_see(actor, case):
        raise TransitionError("该事项不在您的工作范围内。")


def _reason(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(f"请填写{what}。")
    return text


def _due_text(value: datetime.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _ctx(case: Case, **extra) -> dict:
    return {"title": case.title, "due": _due_text(case.stage_due_at), **extra}


def _finish(case: Case, event: CaseEvent) -> CaseEvent:
    engine.after_event(case, event)
    return event


# --- Intake ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NewCase:
    """What ``cases_open`` needs to open one case."""

    kind: str
    title: str
    division: Division | None = None
    congress: Congress | None = None
    deputy_id: int | None = None
    station_id: int | None = None
    urgency: str = Urgency.NORMAL
    category_key: str = ""
    actor: User | None = None
    actor_label: str = ""
    at: datetime.datetime | None = None


@transaction.atomic
def cases_open(specs: Sequence[NewCase], *, notify: bool = True) -> list[Case]:
    """New cases in 待受理, each with its acceptance deadline and timer, in a fixed number of queries.

    One limit lookup per (urgency, category) and one bulk insert each for cases, timers and events,
    so the intake worker opens a whole batch about as cheaply as a single case.
    """
    if not specs:
        return []
    limits: dict[tuple[str, str], deadlines.Limit] = {}
    cases = []
    for spec in specs:
        now = spec.at or timezone.now()
        urgency = spec.urgency or Urgency.NORMAL
        key = (urgency, spec.category_key)
        if key not in limits:
            limits[key] = deadlines.limit_for(Stage.ACCEPT, urgency=urgency, category_key=spec.category_key)
        cases.append(
            Case(
                kind=spec.kind,
                title=spec.title[:200],
                division=spec.division,
                division_path=spec.division.path if spec.division is not None else "",
                congress=spec.congress,
                deputy_id=spec.deputy_id,
                station_id=spec.station_id,
                urgency=urgency,
                category_key=spec.category_key,
                created_at=now,
                stage=Stage.ACCEPT,
                stage_due_at=deadlines.due_after(now, limits[key]),
            )
        )
    cases = Case.objects.bulk_create(cases)
    Timer.objects.bulk_create(
        Timer(case=case, stage=Stage.ACCEPT, due_at=case.stage_due_at,
              remind_at=deadlines.remind_time(case.created_at, case.stage_due_at))
        for case in cases
    )  # fmt: skip
    events = CaseEvent.objects.bulk_create(
        CaseEvent(
            case=case,
            kind=EventKind.SUBMIT,
            at=case.created_at,
            actor=spec.actor if spec.actor and spec.actor.pk else None,
            actor_label=spec.actor_label or engine.actor_label(spec.actor, engine.CITIZEN_LABEL),
            to_state=CaseState.SUBMITTED,
        )
        for case, spec in zip(cases, specs, strict=True)
    )
    for case, event in zip(cases, events, strict=True):
        _finish(case, event)
    if notify:
        cases_announce(cases)
    return cases


def case_open(
    *,
    actor: User | None,
    kind: str,
    title: str,
    division=None,
    congress=None,
    deputy=None,
    station=None,
    urgency: str = Urgency.NORMAL,
    category_key: str = "",
    actor_label: str = "",
    at: datetime.datetime | None = None,
    notify: bool = True,
) -> Case:
    """A new case in 待受理, with its acceptance deadline; the front (deputy/station) or congress is told."""
    spec = NewCase(
        kind=kind,
        title=title,
        division=division,
        congress=congress,
        deputy_id=deputy.pk if deputy is not None else None,
        station_id=station.pk if station is not None else None,
        urgency=urgency,
        category_key=category_key,
        actor=actor,
        actor_label=actor_label,
        at=at,
    )
    return cases_open([spec], notify=notify)[0]


def case_announce(case: Case) -> None:
    """Tell whoever must accept a new case (the deputy or station; with neither, congress staff)."""
    cases_announce([case])


def cases_announce(cases: Sequence[Case]) -> None:
    """``case_announce`` for many cases: two user queries and one insert, however many cases."""
    fronts = engine.front_users_by_case(cases)
    staff = engine.congress_users_by_id({c.congress_id for c in cases if not fronts.get(c.pk)})
    texts: dict[str, str] = {}
    rows = []
    for case in cases:
        users = fronts.get(case.pk) or staff.get(case.congress_id, [])
        key = "notice.new_case" if (case.deputy_id or case.station_id) else "notice.triage"
        if key not in texts:
            texts[key] = template_text(key)
        rows += notification_rows(users, key, _ctx(case), url=engine.console_link(case), text=texts[key])
    Notification.objects.bulk_create(rows)


# --- Front desk: deputy, station, congress staff ------------------------------------------


@transaction.atomic
def case_accept(*, actor: User, case: Case, note: str = "", version: int | None = None) -> Case:
    """受理: the deputy (or station / staff) takes it on; it now waits for a direct answer or assignment."""
    _require(actor, "case.accept")
    case = lock(case, version)
    event = move(case, EventKind.ACCEPT, actor=actor, to_state=CaseState.ACCEPTED, note=note)
    case.accepted_at = event.at
    case.save(update_fields=["accepted_at"])
    _finish(case, event)
    return case


@transaction.atomic
def case_forward(*, actor: User, case: Case, note: str = "", version: int | None = None) -> Case:
    """受理并转人大交办: accepted, and put in the congress staff's triage queue."""
    _require(actor, "case.accept")
    case = lock(case, version)
    event = move(case, EventKind.FORWARD, actor=actor, to_state=CaseState.ACCEPTED, note=note)
    case.accepted_at = event.at
    case.save(update_fields=["accepted_at"])
    notify_users(engine.congress_users(case), "notice.triage", _ctx(case), url=engine.console_link(case))
    _finish(case, event)
    return case


@transaction.atomic
def case_reject(*, actor: User, case: Case, reason: str, version: int | None = None, spam: bool = False) -> Case:
    """不予受理 with a reason the citizen is told (or 无效信息 for spam, which is not sent)."""
    _require(actor, "case.accept")
    reason = _reason(reason, "不予受理的理由")
    case = lock(case, version)
    kind = EventKind.SPAM if spam else EventKind.REJECT
    event = move(case, kind, actor=actor, to_state=CaseState.REJECTED, note=reason, public_note="" if spam else reason)
    case.reject_reason = reason
    case.closed_at = event.at
    case.save(update_fields=["reject_reason", "closed_at"])
    _finish(case, event)
    return case


@transaction.atomic
def case_merge(*, actor: User, case: Case, into: Case, note: str = "", version: int | None = None) -> Case:
    """Merge a duplicate into another open case of the same kind; the citizen follows the other one."""
    _require(actor, "case.accept")
    if into.pk == case.pk:
        raise ValidationError("不能合并到自身。")
    if into.kind != case.kind:
        raise ValidationError("只能合并同类事项。")
    target = Case.objects.get(pk=into.pk)
    if not target.is_open or target.merged_into_id:
        raise ValidationError("只能合并到尚未办结的事项。")
    case = lock(case, version)
    event = move(
        case,
        EventKind.MERGE,
        actor=actor,
        to_state=CaseState.MERGED,
        note=note,
        public_note="您反映的问题与其他群众反映的相同问题合并办理，办理结果将一并反馈。",
        data={"into": target.pk},
    )
    case.merged_into = target
    case.closed_at = event.at
    case.save(update_fields=["merged_into", "closed_at"])
    _finish(case, event)
    return case


@transaction.atomic
def case_answer(
    *,
    actor: User,
    case: Case,
    result: str,
    content: str,
    send_feedback: bool = True,
    version: int | None = None,
) -> Reply:
    """代表直接答复: the deputy (or staff) answers without an agency; by default it goes to the citizen at once."""
    _require(actor, "case.accept")
    content = _reason(content, "答复内容")
    case = lock(case, version)
    event = move(case, EventKind.ANSWER, actor=actor, to_state=CaseState.REPLIED, note=content)
    if case.accepted_at is None:
        case.accepted_at = event.at
    case.replied_at = event.at
    case.save(update_fields=["accepted_at", "replied_at"])
    reply = Reply.objects.create(
        case=case,
        result=result,
        content=content,
        author=actor,
        author_label=engine.actor_label(actor),
        at=event.at,
        round=case.reopened_count + 1,
    )
    _finish(case, event)
    if send_feedback:
        _feedback(actor=actor, case=case, text=content)
    return reply


# --- Triage: congress staff ----------------------------------------------------------------


def _assignment_plan(lead: Agency | None, co: Sequence[Agency], split: Sequence[Agency]) -> list[tuple[Agency, str]]:
    """(agency, role) for one round: a lead plus co-handlers, or several split units that each answer."""
    if split:
        if lead is not None or co:
            raise ValidationError("分办时每个单位各自答复，不再指定主办、协办单位。")
        units = list(dict.fromkeys(split))
        if len(units) < 2:
            raise ValidationError("分办至少需要两个承办单位；只有一个单位时请选择主办。")
        return [(a, AssignmentRole.SPLIT) for a in units]
    if lead is None:
        raise ValidationError("请选择主办单位。")
    co = [a for a in dict.fromkeys(co) if a.pk != lead.pk]
    return [(lead, AssignmentRole.LEAD)] + [(a, AssignmentRole.CO) for a in co]


def _create_assignments(*, actor, case: Case, plan: list[tuple[Agency, str]], instructions: str, now):
    policy = policy_for(case.kind)
    round_no = case.reopened_count + 1
    # Every agency of one round gets the same limits.
    limits = {"urgency": case.urgency, "category_key": case.category_key, "kind": case.kind}
    sign_due = deadlines.stage_due(Stage.SIGN, now, **limits)
    if round_no > 1 and policy.rehandle_reply_limit:
        reply_due = deadlines.due_after(now, deadlines.Limit(*policy.rehandle_reply_limit))
    else:
        reply_due = deadlines.stage_due(Stage.REPLY, now, **limits)
    # Where co-handlers' views have their own deadline, it is their assignment's reply deadline.
    co_due = deadlines.stage_due(Stage.CO_VIEW, now, **limits) if policy.co_view_timer else None
    rows = []
    for agency, role in plan:
        due = co_due if (role == AssignmentRole.CO and co_due is not None) else reply_due
        assignment = case.assignments.create(
            agency=agency,
            role=role,
            round=round_no,
            assigned_at=now,
            assigned_by=actor,
            instructions=instructions,
            sign_due_at=sign_due,
            reply_due_at=due,
            original_reply_due_at=due,
        )
        engine.add_timer(case, Stage.SIGN, now, sign_due, assignment)
        if role in ANSWERING_ROLES:
            engine.add_timer(case, Stage.REPLY, now, reply_due, assignment)
        elif co_due is not None:
            engine.add_timer(case, Stage.CO_VIEW, now, co_due, assignment)
        rows.append(assignment)
    return rows


def _assign_data(rows) -> dict:
    lead = next((a for a in rows if a.role == AssignmentRole.LEAD), None)
    data = {"lead": lead.agency_id if lead else None, "co": [a.agency_id for a in rows if a.role == AssignmentRole.CO]}
    if lead is None:
        data["split"] = [a.agency_id for a in rows]
    return data


def _notify_assigned(case: Case, assignments) -> None:
    for a in assignments:
        notify_users(
            engine.agency_users([a.agency_id]),
            "notice.assigned",
            {"title": case.title, "role": a.get_role_display(), "due": _due_text(a.sign_due_at)},
            url=engine.console_link(case),
        )


@transaction.atomic
def case_assign(
    *,
    actor: User,
    case: Case,
    lead: Agency | None = None,
    co: Sequence[Agency] = (),
    split: Sequence[Agency] = (),
    instructions: str = "",
    urgency: str | None = None,
    version: int | None = None,
) -> Case:
    """交办 to a lead agency (主办) and any co-handling agencies (协办), each with sign and reply deadlines;
    or, with ``split`` (分办, no lead), to several agencies that each answer their own part."""
    _require(actor, "case.assign")
    plan = _assignment_plan(lead, co, split)
    case = lock(case, version)
    engine.check_move(case, EventKind.ASSIGN, CaseState.ASSIGNED)
    if urgency:
        case.urgency = urgency
    now = timezone.now()
    rows = _create_assignments(actor=actor, case=case, plan=plan, instructions=instructions, now=now)
    if case.first_assigned_at is None:
        case.first_assigned_at = now
    if case.accepted_at is None:
        case.accepted_at = now
    names = "、".join(a.agency.name for a in rows)
    event = move(
        case,
        EventKind.ASSIGN,
        actor=actor,
        to_state=CaseState.ASSIGNED,
        note=instructions,
        agency=lead,
        data={**_assign_data(rows), "agencies": names},
        at=now,
    )
    _notify_assigned(case, rows)
    _finish(case, event)
    return case


@transaction.atomic
def case_reassign(
    *,
    actor: User,
    case: Case,
    lead: Agency | None = None,
    co: Sequence[Agency] = (),
    split: Sequence[Agency] = (),
    reason: str,
    version: int | None = None,
) -> Case:
    """改派: withdraw the current agencies and assign anew (lead + co, or split)."""
    _require(actor, "case.assign")
    _require_scope(actor, case)
    reason = _reason(reason, "改派理由")
    plan = _assignment_plan(lead, co, split)
    case = lock(case, version)
    engine.check_move(case, EventKind.REASSIGN, CaseState.ASSIGNED)
    now = timezone.now()
    for a in engine.active_assignments(case):
        a.status = AssignmentStatus.WITHDRAWN
        a.ended_at = now
        a.end_reason = reason
        a.save(update_fields=["status", "ended_at", "end_reason"])
        engine.clear_timers(case, now=now, assignment=a)
    rows = _create_assignments(actor=actor, case=case, plan=plan, instructions=reason, now=now)
    event = move(
        case, EventKind.REASSIGN, actor=actor, to_state=CaseState.ASSIGNED, note=reason, agency=lead,
        data=_assign_data(rows), at=now,
    )  # fmt: skip
    _notify_assigned(case, rows)
    _finish(case, event)
    return case


# --- Agencies ---------------------------------------------------------------------------------


def _own_assignment(actor: User, case: Case, assignment_id: int | None = None):
    """The actor's agency's active assignment on this case (admins and congress staff may act for it)."""
    qs = engine.active_assignments(case)
    if assignment_id is not None:
        qs = qs.filter(pk=assignment_id)
    if actor.role == Role.AGENCY_HANDLER:
        qs = qs.filter(agency_id=actor.agency_id)
    assignment = qs.order_by("role" if assignment_id is None else "id").first()  # "co" < "lead": prefer exact match
    if assignment is None:
        raise TransitionError("您的单位没有该事项的在办交办任务。")
    return assignment


@transaction.atomic
def case_sign(*, actor: User, case: Case, assignment_id: int | None = None, version: int | None = None) -> Case:
    """签收: the agency confirms it has the item. The lead's signing moves the case to 办理中."""
    _require(actor, "case.handle")
    case = lock(case, version)
    assignment = _own_assignment(actor, case, assignment_id)
    if assignment.status != AssignmentStatus.PENDING:
        raise TransitionError("该交办任务已经签收。")
    now = timezone.now()
    assignment.status = AssignmentStatus.SIGNED
    assignment.signed_at = now
    assignment.signed_by = actor
    assignment.save(update_fields=["status", "signed_at", "signed_by"])
    engine.clear_timers(case, now=now, assignment=assignment, stage=Stage.SIGN)
    is_lead = assignment.role in ANSWERING_ROLES  # a split unit's signing starts the handling too
    event = move(
        case,
        EventKind.SIGN,
        actor=actor,
        to_state=CaseState.IN_PROGRESS if is_lead else None,
        agency=assignment.agency,
        data={"assignment": assignment.pk, "on_time": now <= assignment.sign_due_at, "role": assignment.role},
        at=now,
    )
    if is_lead:
        case.stage_due_at = assignment.reply_due_at
        case.save(update_fields=["stage_due_at"])
    _finish(case, event)
    return case


@transaction.atomic
def case_return(*, actor: User, case: Case, reason: str, version: int | None = None) -> Case:
    """退回: the lead agency says the item is not theirs; every agency is released and it goes back to triage.

    A split unit returns only its own part (the case goes back to triage when no unit is left).
    Where the kind has a return window (suggestions: ``RENDA_SUGGESTION_RETURN_DAYS`` working days
    after assignment), a later return is refused.
    """
    _require(actor, "case.handle")
    reason = _reason(reason, "退回理由")
    case = lock(case, version)
    assignment = _own_assignment(actor, case)
    if assignment.role not in ANSWERING_ROLES:
        raise TransitionError("只有主办单位可以退回；协办单位如有异议请与主办单位或人大联系。")
    now = timezone.now()
    policy_for(case.kind).check_return_window(assignment.assigned_at, now)
    split = assignment.role == AssignmentRole.SPLIT
    for a in [assignment] if split else engine.active_assignments(case):
        a.status = AssignmentStatus.RETURNED if a.pk == assignment.pk else AssignmentStatus.WITHDRAWN
        a.ended_at = now
        a.end_reason = reason
        a.save(update_fields=["status", "ended_at", "end_reason"])
        engine.clear_timers(case, now=now, assignment=a)
    others_left = split and engine.active_assignments(case).exists()
    event = move(
        case, EventKind.RETURN, actor=actor, to_state=None if others_left else CaseState.ACCEPTED, note=reason,
        agency=assignment.agency, at=now,
    )  # fmt: skip
    notify_users(
        engine.congress_users(case) or engine.front_users(case),
        "notice.returned",
        {"title": case.title, "agency": assignment.agency.name, "reason": reason},
        url=engine.console_link(case),
    )
    _finish(case, event)
    return case


@transaction.atomic
def case_co_view(*, actor: User, case: Case, text: str, version: int | None = None) -> Case:
    """协办意见: a co-handling agency sends its view to the lead, who replies once for all."""
    _require(actor, "case.handle")
    text = _reason(text, "协办意见")
    case = lock(case, version)
    assignment = _own_assignment(actor, case)
    if assignment.role != AssignmentRole.CO:
        raise TransitionError("主办单位请直接答复。")
    now = timezone.now()
    if assignment.status == AssignmentStatus.PENDING:
        assignment.signed_at, assignment.signed_by = now, actor
        engine.clear_timers(case, now=now, assignment=assignment, stage=Stage.SIGN)
    assignment.status = AssignmentStatus.SIGNED
    assignment.co_view = text
    assignment.co_view_at = now
    assignment.save(update_fields=["status", "signed_at", "signed_by", "co_view", "co_view_at"])
    engine.clear_timers(case, now=now, assignment=assignment, stage=Stage.CO_VIEW)
    event = move(case, EventKind.CO_VIEW, actor=actor, note=text, agency=assignment.agency, at=now)
    lead = engine.active_assignments(case).filter(role=AssignmentRole.LEAD).first()
    if lead is not None:
        notify_users(
            engine.agency_users([lead.agency_id]),
            "notice.co_view",
            {"title": case.title, "agency": assignment.agency.name},
            url=engine.console_link(case),
        )
    _finish(case, event)
    return case


@transaction.atomic
def case_request_extension(
    *, actor: User, case: Case, working_days: int, reason: str, version: int | None = None
) -> ExtensionRequest:
    """申请延期: the lead agency asks for more working days; congress staff decide."""
    _require(actor, "case.handle")
    reason = _reason(reason, "延期理由")
    max_days = policy_for(case.kind).max_extension_working_days
    if not 1 <= int(working_days) <= max_days:
        raise ValidationError(f"延期天数应为 1 至 {max_days} 个工作日。")
    case = lock(case, version)
    assignment = _own_assignment(actor, case)
    if assignment.role not in ANSWERING_ROLES:
        raise TransitionError("延期由主办单位申请。")
    _check_reply_cap(case, assignment, add_working_days(assignment.reply_due_at, int(working_days)))
    if assignment.extensions.filter(status=ExtensionStatus.PENDING).exists():
        raise ValidationError("已有一项延期申请在审批中。")
    request = ExtensionRequest.objects.create(
        assignment=assignment, working_days=working_days, reason=reason, requested_by=actor
    )
    event = move(
        case,
        EventKind.EXTENSION_REQUEST,
        actor=actor,
        note=reason,
        agency=assignment.agency,
        data={"request": request.pk, "working_days": int(working_days)},
    )
    notify_users(
        engine.congress_users(case),
        "notice.extension_requested",
        {"title": case.title, "agency": assignment.agency.name, "days": working_days, "reason": reason},
        url=engine.console_link(case),
    )
    _finish(case, event)
    return request


def _check_reply_cap(case: Case, assignment, new_due: datetime.datetime) -> None:
    """Suggestions: even extended, the reply is due at most 6 months (the kind's cap) after assignment."""
    cap = policy_for(case.kind).reply_cap
    if cap is None:
        return
    limit = deadlines.Limit(*cap)
    latest = deadlines.due_after(assignment.assigned_at, limit)
    if new_due > latest:
        span = f"{limit.amount}个月" if limit.unit == deadlines.MONTHS else str(limit)
        raise ValidationError(
            f"延期后答复时限将超过交办之日起{span}（最迟{timezone.localtime(latest):%Y-%m-%d}），不能延期这么久。"
            "请缩短延期天数。"
        )


@transaction.atomic
def extension_decide(*, actor: User, request: ExtensionRequest, approve: bool, note: str = "") -> ExtensionRequest:
    """Approve (the reply deadline moves by the working days asked) or refuse an extension request."""
    _require(actor, "case.assign")
    request = ExtensionRequest.objects.select_for_update().select_related("assignment").get(pk=request.pk)
    if request.status != ExtensionStatus.PENDING:
        raise ConflictError("该延期申请已经审批过了。")
    assignment = request.assignment
    _require_scope(actor, assignment.case)
    case = lock(assignment.case)
    now = timezone.now()
    if approve and not assignment.is_active:
        raise TransitionError("该交办任务已结束，无需延期。")
    request.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    request.decided_by, request.decided_at, request.decision_note = actor, now, note
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    data = {"request": request.pk}
    if approve:
        _check_reply_cap(case, assignment, add_working_days(assignment.reply_due_at, request.working_days))
        assignment.reply_due_at = add_working_days(assignment.reply_due_at, request.working_days)
        assignment.save(update_fields=["reply_due_at"])
        engine.clear_timers(case, now=now, assignment=assignment, stage=Stage.REPLY)
        engine.add_timer(case, Stage.REPLY, now, assignment.reply_due_at, assignment)
        if case.state == CaseState.IN_PROGRESS:
            case.stage_due_at = assignment.reply_due_at
        data["reply_due_at"] = assignment.reply_due_at.isoformat()
    kind = EventKind.EXTENSION_APPROVE if approve else EventKind.EXTENSION_REFUSE
    event = move(case, kind, actor=actor, note=note, agency=assignment.agency, data=data, at=now)
    notify_users(
        engine.agency_users([assignment.agency_id]),
        "notice.extension_decided",
        {
            "title": case.title,
            "decision": "已同意，新的答复时限为" + _due_text(assignment.reply_due_at) if approve else "未获同意",
            "note": note,
        },
        url=engine.console_link(case),
    )
    _finish(case, event)
    return request


@transaction.atomic
def case_reply(
    *,
    actor: User,
    case: Case,
    result: str,
    content: str,
    attachments: Sequence[tuple[str, object]] = (),
    commitments: Sequence[str | tuple[str, datetime.date | None]] = (),
    version: int | None = None,
) -> Reply:
    """答复 by the lead agency (result type + text + attachments); the co-handlers' part ends with it.

    ``result`` must be one of the kind's results (``policy.result_choices``). A result category that
    creates commitments (suggestions: B) needs ``commitments``: texts or (text, due date) pairs, each
    an open ``Commitment`` until fulfilled. A split unit answers its own part; the case counts as
    replied when every split unit has. Where the kind requires it, the unit must first have recorded
    its contact with the deputy; where it has automatic feedback, the answer goes to the deputy at once.
    """
    _require(actor, "case.handle")
    content = _reason(content, "答复内容")
    label, needs_commitment = result_category(case.kind, result)
    items = commitment_items(commitments)
    if needs_commitment and not items:
        raise ValidationError(f"答复类别为“{label}”的，请逐项填写承诺事项（办理措施及计划完成时间）。")
    policy = policy_for(case.kind)
    case = lock(case, version)
    engine.check_move(case, EventKind.REPLY, CaseState.REPLIED)
    assignment = _own_assignment(actor, case)
    if assignment.role not in ANSWERING_ROLES:
        raise TransitionError("由主办单位统一答复；协办单位请提交协办意见。")
    if assignment.status != AssignmentStatus.SIGNED:
        raise TransitionError("请先签收再答复。")
    if policy.requires_contact and not assignment.contacts.exists():
        raise TransitionError("答复前请先记录与代表的沟通联系情况（面商、电话或书面）。")
    now = timezone.now()
    split = assignment.role == AssignmentRole.SPLIT
    for a in [assignment] if split else engine.active_assignments(case):
        a.status = AssignmentStatus.REPLIED
        a.ended_at = now
        if a.pk == assignment.pk:
            a.replied_at = now
        a.save(update_fields=["status", "ended_at", "replied_at"])
        engine.clear_timers(case, now=now, assignment=a)
    reply = Reply.objects.create(
        case=case,
        assignment=assignment,
        result=result,
        result_label=label,
        content=content,
        author=actor,
        author_label=assignment.agency.name,
        at=now,
        round=assignment.round,
    )
    for name, file in attachments:
        ReplyAttachment.objects.create(reply=reply, file=file, name=name[:200], size=getattr(file, "size", 0) or 0)
    commitments_create(reply=reply, items=items, at=now)
    data = {"reply": reply.pk, "result": result, "on_time": now <= assignment.reply_due_at}
    if split and engine.active_assignments(case).exists():
        # Other split units still to answer: recorded, the case stays 办理中.
        event = move(
            case, EventKind.SPLIT_REPLY, actor=actor, note=content, agency=assignment.agency, data=data, at=now
        )
        _finish(case, event)
        return reply
    case.replied_at = now
    event = move(
        case,
        EventKind.REPLY,
        actor=actor,
        to_state=CaseState.REPLIED,
        note=content,
        agency=assignment.agency,
        data=data,
        at=now,
    )
    if policy.auto_feedback:
        _finish(case, event)
        _feedback(actor=actor, case=case, text=_round_answer(case))
        return reply
    notify_users(engine.reviewers(case), "notice.replied", _ctx(case), url=engine.console_link(case))
    _finish(case, event)
    return reply


def _round_answer(case: Case) -> str:
    """The answer of the current round as the deputy reads it: one reply, or each split unit's in turn."""
    replies = list(case.replies.filter(round=case.reopened_count + 1, sent_back=False).order_by("at", "id"))
    if len(replies) == 1:
        return replies[0].content
    return "\n\n".join(f"【{r.author_label}】{r.content}" for r in replies)


# --- Review and feedback ---------------------------------------------------------------------


@transaction.atomic
def case_send_back(*, actor: User, case: Case, reason: str, version: int | None = None) -> Case:
    """The reviewer finds the reply inadequate: it goes back to the lead agency (or the deputy) to answer again."""
    _require(actor, "case.review")
    reason = _reason(reason, "退回意见")
    case = lock(case, version)
    reply = case.replies.order_by("-at", "-id").first()
    now = timezone.now()
    if reply is not None:
        reply.sent_back = True
        reply.review_note = reason
        reply.save(update_fields=["sent_back", "review_note"])
    assignment = reply.assignment if reply is not None else None
    if assignment is not None:
        assignment.status = AssignmentStatus.SIGNED
        assignment.replied_at = None
        assignment.ended_at = None
        assignment.save(update_fields=["status", "replied_at", "ended_at"])
        due = max(assignment.reply_due_at, deadlines.stage_due(Stage.FEEDBACK, now))
        engine.add_timer(case, Stage.REPLY, now, due, assignment)
        event = move(case, EventKind.SEND_BACK, actor=actor, to_state=CaseState.IN_PROGRESS, note=reason, at=now)
        case.stage_due_at = due
        case.save(update_fields=["stage_due_at"])
        notify_users(
            engine.agency_users([assignment.agency_id]),
            "notice.sent_back",
            _ctx(case, reason=reason),
            url=engine.console_link(case),
        )
    else:
        event = move(case, EventKind.SEND_BACK, actor=actor, to_state=CaseState.ACCEPTED, note=reason, at=now)
    _finish(case, event)
    return case


def _feedback(*, actor: User, case: Case, text: str) -> CaseEvent:
    event = move(case, EventKind.FEEDBACK, actor=actor, to_state=CaseState.FED_BACK, public_note=text)
    case.fed_back_at = event.at
    case.feedback_text = text
    case.save(update_fields=["fed_back_at", "feedback_text"])
    return _finish(case, event)


@transaction.atomic
def case_feedback(*, actor: User, case: Case, text: str = "", version: int | None = None) -> Case:
    """反馈: the reviewed answer goes to the citizen (who is texted a link) and the evaluation window opens."""
    _require(actor, "case.review")
    case = lock(case, version)
    engine.check_move(case, EventKind.FEEDBACK, CaseState.FED_BACK)
    if not (text or "").strip():
        reply = case.replies.filter(sent_back=False).order_by("-at", "-id").first()
        text = reply.content if reply is not None else ""
    _feedback(actor=actor, case=case, text=_reason(text, "反馈内容"))
    return case


# --- Evaluation, reopening, closing ----------------------------------------------------------


@transaction.atomic
def case_evaluate(
    *, case: Case, resolved: bool | None, satisfaction: str, comment: str = "", actor: User | None = None
) -> Evaluation:
    """The evaluator's two answers. 不满意 reopens once, under supervision; otherwise the case closes.

    Opinions: the citizen evaluates (``actor`` None, or staff entering it). Kinds evaluated by deputies
    (suggestions): ``actor`` is the proposing deputy's user (or staff entering it for them), whose verdict
    moves the case; a co-signing deputy's verdict is recorded alongside (``is_primary=False``) and moves
    nothing. Who is who is decided by the subject's hooks (``engine.evaluator_role``).
    """
    if satisfaction not in (Satisfaction.SATISFIED, Satisfaction.BASIC, Satisfaction.UNSATISFIED):
        raise ValidationError("请选择满意、基本满意或不满意。")
    policy = policy_for(case.kind)
    by_deputy = policy.evaluator == "deputy"
    role = engine.evaluator_role(case, actor) if by_deputy else "primary"
    if role is None:
        raise TransitionError("只有提出建议的代表或附议代表可以评价。")
    case = lock(case)
    engine.check_move(case, EventKind.EVALUATE)
    now = timezone.now()
    round_no = case.reopened_count + 1
    evaluator_id = engine.evaluator_deputy_id(case, actor) if by_deputy else None
    primary = role == "primary"
    if not primary and case.evaluations.filter(round=round_no, evaluator_id=evaluator_id).exists():
        raise ValidationError("您已评价过本轮答复。")
    evaluation = Evaluation.objects.create(
        case=case,
        round=round_no,
        resolved=resolved,
        satisfaction=satisfaction,
        comment=(comment or "").strip()[:2000],
        at=now,
        is_primary=primary,
        evaluator_id=evaluator_id,
    )
    label = engine.actor_label(actor) if by_deputy else engine.CITIZEN_LABEL
    data = {"satisfaction": satisfaction, "resolved": resolved}
    if by_deputy:
        data.update(primary=primary, deputy=evaluator_id)
    event = move(case, EventKind.EVALUATE, actor=actor, label=label, note=evaluation.comment, data=data, at=now)
    _finish(case, event)
    if not primary:
        return evaluation
    if by_deputy:
        answering = case.assignments.filter(round=round_no, role__in=ANSWERING_ROLES).values_list(
            "agency_id", flat=True
        )
        targets, key = engine.congress_users(case) + engine.agency_users(answering), "notice.deputy_evaluated"
    else:
        targets, key = engine.reviewers(case), "notice.evaluated"
    notify_users(targets, key, _ctx(case, satisfaction=Satisfaction(satisfaction).label), url=engine.console_link(case))
    if satisfaction == Satisfaction.UNSATISFIED and case.reopened_count == 0:
        _reopen(case, reason=evaluation.comment or f"{policy.evaluator_label}评价不满意", now=now)
    else:
        reason = CloseReason.SECOND_UNSATISFIED if satisfaction == Satisfaction.UNSATISFIED else CloseReason.EVALUATED
        _close(case, reason=reason, actor=actor, label=label, now=now)
    return evaluation


def _reopen(case: Case, *, reason: str, now) -> None:
    policy = policy_for(case.kind)
    case.reopened_count += 1
    case.supervision_level = max(case.supervision_level, 1)
    event = move(
        case,
        EventKind.REOPEN,
        actor=None,
        to_state=CaseState.REOPENED,
        note=reason,
        public_note="已根据您的评价重新办理，并列入督办。",
        at=now,
    )
    Supervision.objects.create(
        case=case, level=case.supervision_level, stage=Stage.ACCEPT, reason=f"{policy.evaluator_label}不满意，重办"
    )
    targets = engine.congress_users(case) or engine.front_users(case)
    last_agencies = case.assignments.filter(round=case.reopened_count).values_list("agency_id", flat=True)
    key = "notice.reopened" if policy.evaluator == "citizen" else "notice.deputy_reopened"
    notify_users(targets + engine.agency_users(last_agencies), key, _ctx(case), url=engine.console_link(case))
    _finish(case, event)


def _close(case: Case, *, reason: str, actor: User | None, label: str, now) -> None:
    event = move(case, EventKind.CLOSE, actor=actor, label=label, to_state=CaseState.CLOSED, at=now)
    case.closed_at = now
    case.close_reason = reason
    case.save(update_fields=["closed_at", "close_reason"])
    _finish(case, event)


@transaction.atomic
def case_close_unevaluated(*, case: Case) -> Case:
    """The evaluation window passed: close as 未评价 (never counted as satisfied)."""
    case = lock(case)
    if case.state != CaseState.FED_BACK:
        return case
    now = timezone.now()
    Evaluation.objects.get_or_create(
        case=case,
        round=case.reopened_count + 1,
        is_primary=True,
        defaults={"satisfaction": Satisfaction.NONE, "at": now},
    )
    _close(case, reason=CloseReason.UNEVALUATED, actor=None, label=engine.SYSTEM_LABEL, now=now)
    return case


# --- Supervision and reminders -----------------------------------------------------------------


@transaction.atomic
def case_supervise(*, actor: User | None, case: Case, reason: str, level: int | None = None) -> Supervision:
    """督办, by staff or (actor None) by the worker when a deadline has passed; raises the level (max 3)."""
    if actor is not None:
        _require(actor, "case.supervise")
        _require_scope(actor, case)
    reason = _reason(reason, "督办事由")
    case = lock(case)
    new_level = min(MAX_SUPERVISION_LEVEL, level if level else case.supervision_level + 1)
    case.supervision_level = max(case.supervision_level, new_level)
    supervision = Supervision.objects.create(
        case=case, level=case.supervision_level, stage=case.stage, reason=reason, by=actor
    )
    event = move(
        case,
        EventKind.SUPERVISE,
        actor=actor,
        note=reason,
        data={"level": case.supervision_level, "stage": case.stage},
    )
    targets = _stage_owners(case)
    if actor is not None or case.supervision_level >= 2:
        targets += engine.congress_users(case)
    notify_users(
        targets,
        "notice.supervised" if actor is not None else "notice.overdue",
        _ctx(
            case,
            reason=reason,
            level=case.supervision_level,
            stage=Stage(case.stage).label if case.stage else "",
        ),
        url=engine.console_link(case),
    )
    _finish(case, event)
    return supervision


def _stage_owners(case: Case) -> list[User]:
    if case.state in (CaseState.ASSIGNED, CaseState.IN_PROGRESS):
        return engine.agency_users(engine.active_assignments(case).values_list("agency_id", flat=True))
    if case.state in (CaseState.ACCEPTED, CaseState.REOPENED):
        return engine.congress_users(case) or engine.front_users(case)
    return engine.reviewers(case) if case.state == CaseState.REPLIED else engine.front_users(case)


@transaction.atomic
def case_note(*, actor: User, case: Case, note: str) -> CaseEvent:
    """An internal note on the record (never shown to the citizen)."""
    _require(actor, "console")
    note = _reason(note, "备注内容")
    case = lock(case)
    return move(case, EventKind.NOTE, actor=actor, note=note)


def _remind_targets(case: Case, assignment_agency_id: int | None) -> list[User]:
    if assignment_agency_id is not None:
        return engine.agency_users([assignment_agency_id])
    if case.state == CaseState.SUBMITTED:
        return engine.front_users(case) or engine.congress_users(case)
    return _stage_owners(case)


@transaction.atomic
def case_remind(*, case: Case, stage: str, due_at: datetime.datetime, assignment=None) -> CaseEvent | None:
    """到期提醒 by the worker: the stage's owners are told the deadline is near; recorded as an event.

    Returns None (and writes nothing) when the case is no longer open.
    """
    case = lock(case)
    if not case.is_open:
        return None
    stage_label = Stage(stage).label if stage else ""
    event = move(
        case,
        EventKind.REMIND,
        actor=None,
        note=f"{stage_label}时限{_due_text(due_at)}即将到期",
        agency=assignment.agency if assignment is not None else None,
        data={"stage": stage, "due_at": due_at.isoformat(), "assignment": assignment.pk if assignment else None},
    )
    notify_users(
        _remind_targets(case, assignment.agency_id if assignment is not None else None),
        "notice.remind",
        {"title": case.title, "stage": stage_label, "due": _due_text(due_at)},
        url=engine.console_link(case),
    )
    _finish(case, event)
    return event
