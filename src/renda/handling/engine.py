"""The mechanics every handling service shares: the transition table, locking,
events, timers and who to tell.

``move`` is the only place a case's state changes: it checks the table,
bumps the version and records the event in the caller's transaction.
"""

import datetime
from collections.abc import Iterable
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from renda.core.models import Role, User
from renda.handling import deadlines
from renda.handling.models import (
    OPEN_STATES,
    Assignment,
    Case,
    CaseEvent,
    CaseState,
    EventKind,
    Stage,
    Timer,
)

S = CaseState
OPEN = frozenset(OPEN_STATES)
ANY = frozenset(S)

# event kind -> (states it may happen in, states it may lead to). Empty "to" = the state stays.
TRANSITIONS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    EventKind.ACCEPT: (frozenset({S.SUBMITTED}), frozenset({S.ACCEPTED})),
    EventKind.FORWARD: (frozenset({S.SUBMITTED}), frozenset({S.ACCEPTED})),
    EventKind.REJECT: (frozenset({S.SUBMITTED, S.ACCEPTED}), frozenset({S.REJECTED})),
    EventKind.SPAM: (frozenset({S.SUBMITTED, S.ACCEPTED}), frozenset({S.REJECTED})),
    EventKind.MERGE: (frozenset({S.SUBMITTED, S.ACCEPTED}), frozenset({S.MERGED})),
    EventKind.ASSIGN: (frozenset({S.ACCEPTED, S.REOPENED}), frozenset({S.ASSIGNED})),
    EventKind.REASSIGN: (frozenset({S.ASSIGNED, S.IN_PROGRESS}), frozenset({S.ASSIGNED})),
    EventKind.SIGN: (frozenset({S.ASSIGNED, S.IN_PROGRESS}), frozenset({S.IN_PROGRESS})),
    EventKind.RETURN: (frozenset({S.ASSIGNED, S.IN_PROGRESS}), frozenset({S.ACCEPTED})),
    EventKind.CO_VIEW: (frozenset({S.ASSIGNED, S.IN_PROGRESS}), frozenset()),
    EventKind.EXTENSION_REQUEST: (frozenset({S.ASSIGNED, S.IN_PROGRESS}), frozenset()),
    EventKind.EXTENSION_APPROVE: (frozenset({S.ASSIGNED, S.IN_PROGRESS}), frozenset()),
    EventKind.EXTENSION_REFUSE: (frozenset({S.ASSIGNED, S.IN_PROGRESS}), frozenset()),
    EventKind.REPLY: (frozenset({S.IN_PROGRESS}), frozenset({S.REPLIED})),
    EventKind.ANSWER: (frozenset({S.SUBMITTED, S.ACCEPTED, S.REOPENED}), frozenset({S.REPLIED})),
    EventKind.SEND_BACK: (frozenset({S.REPLIED}), frozenset({S.IN_PROGRESS, S.ACCEPTED})),
    EventKind.FEEDBACK: (frozenset({S.REPLIED}), frozenset({S.FED_BACK})),
    EventKind.EVALUATE: (frozenset({S.FED_BACK}), frozenset()),
    EventKind.REOPEN: (frozenset({S.FED_BACK}), frozenset({S.REOPENED})),
    EventKind.CLOSE: (frozenset({S.FED_BACK}), frozenset({S.CLOSED})),
    EventKind.SUPERVISE: (OPEN, frozenset()),
    EventKind.REMIND: (OPEN, frozenset()),
    EventKind.NOTE: (ANY, frozenset()),
    EventKind.CONTACT: (frozenset({S.ASSIGNED, S.IN_PROGRESS}), frozenset()),
    EventKind.SPLIT_REPLY: (frozenset({S.IN_PROGRESS}), frozenset()),
    EventKind.FULFIL: (ANY, frozenset()),
}

# The stage (and so the deadline) a case is in, by state.
STATE_STAGE: dict[str, str] = {
    S.SUBMITTED: Stage.ACCEPT,
    S.ACCEPTED: Stage.ACCEPT,
    S.REOPENED: Stage.ACCEPT,
    S.ASSIGNED: Stage.SIGN,
    S.IN_PROGRESS: Stage.REPLY,
    S.REPLIED: Stage.FEEDBACK,
    S.FED_BACK: Stage.EVALUATE,
}

SYSTEM_LABEL = "系统"
CITIZEN_LABEL = "群众"


class TransitionError(ValidationError):
    """The move is not allowed from the case's current state (or by this actor)."""


class ConflictError(ValidationError):
    """Someone else changed the case first; nothing was written."""


def lock(case: Case, expected_version: int | None = None) -> Case:
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(
            f"该事项刚刚已被他人处理（当前状态：{locked.get_state_display()}），您的操作未执行。请刷新页面后再试。"
        )
    return locked


def actor_label(actor: User | None, default: str = SYSTEM_LABEL) -> str:
    if actor is None:
        return default
    if actor.role == Role.AGENCY_HANDLER and actor.agency_id:
        return f"{actor.agency.name} {actor}"
    return str(actor)


def check_move(case: Case, kind: str, to_state: str | None = None) -> None:
    allowed_from, allowed_to = TRANSITIONS[kind]
    if case.state not in allowed_from:
        raise TransitionError(
            f"该事项当前状态为“{case.get_state_display()}”，不能{EventKind(kind).label}。请刷新页面查看最新进展。"
        )
    if to_state is not None and to_state != case.state and to_state not in allowed_to:
        raise TransitionError(f"不能从“{case.get_state_display()}”变为“{CaseState(to_state).label}”。")


def move(
    case: Case,
    kind: str,
    *,
    actor: User | None,
    to_state: str | None = None,
    note: str = "",
    public_note: str = "",
    agency=None,
    data: dict[str, Any] | None = None,
    label: str | None = None,
    at: datetime.datetime | None = None,
) -> CaseEvent:
    """Check the move, apply the new state (and the stage deadline) and record the event. Case must be locked."""
    check_move(case, kind, to_state)
    from_state = case.state
    now = at or timezone.now()
    if to_state is not None and to_state != from_state:
        case.state = to_state
        set_stage(case, now)
    case.version += 1
    case.save()
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        at=now,
        actor=actor if actor and actor.pk else None,
        actor_label=label or actor_label(actor),
        from_state=from_state,
        to_state=case.state,
        agency=agency,
        note=note,
        public_note=public_note,
        data=data or {},
    )


def set_stage(case: Case, now: datetime.datetime) -> None:
    """Point the case at the stage its state implies, with that stage's deadline and timer."""
    clear_timers(case, now=now, case_level_only=True)
    stage = STATE_STAGE.get(case.state, "")
    case.stage = stage
    if not stage:
        case.stage_due_at = None
        return
    if stage in (Stage.SIGN, Stage.REPLY):
        # Agency stages are timed per assignment; the case shows the lead's deadline.
        answering = ("lead", "split")  # split handling: each unit is timed like a lead
        lead = case.assignments.filter(role__in=answering, status__in=("pending", "signed")).order_by("-id").first()
        if lead is not None:
            case.stage_due_at = lead.sign_due_at if stage == Stage.SIGN else lead.reply_due_at
        return
    due = deadlines.stage_due(stage, now, urgency=case.urgency, category_key=case.category_key, kind=case.kind)
    case.stage_due_at = due
    add_timer(case, stage, now, due)


def add_timer(
    case: Case, stage: str, start: datetime.datetime, due: datetime.datetime, assignment: Assignment | None = None
) -> Timer:
    return Timer.objects.create(
        case=case,
        assignment=assignment,
        stage=stage,
        due_at=due,
        remind_at=deadlines.remind_time(start, due),
    )


def clear_timers(
    case: Case,
    *,
    now: datetime.datetime | None = None,
    assignment: Assignment | None = None,
    stage: str | None = None,
    case_level_only: bool = False,
) -> None:
    timers = Timer.objects.filter(case=case, cleared_at=None)
    if assignment is not None:
        timers = timers.filter(assignment=assignment)
    elif case_level_only:
        timers = timers.filter(assignment=None)
    if stage is not None:
        timers = timers.filter(stage=stage)
    timers.update(cleared_at=now or timezone.now())


# --- Who to tell ------------------------------------------------------------------


def active_users(q: Q) -> list[User]:
    return list(User.objects.filter(q, is_active=True).select_related("agency"))


def front_users(case: Case) -> list[User]:
    """Whoever received the case first: the deputy, the station's liaison staff."""
    return front_users_by_case([case]).get(case.pk, [])


def front_users_by_case(cases: Iterable[Case]) -> dict[int, list[User]]:
    """``front_users`` for many cases in one query: case id -> users."""
    cases = list(cases)
    deputies = {c.deputy_id for c in cases if c.deputy_id}
    stations = {c.station_id for c in cases if c.station_id}
    if not deputies and not stations:
        return {}
    users = active_users(
        Q(role=Role.DEPUTY, deputy_id__in=deputies) | Q(role=Role.STATION_STAFF, station_id__in=stations)
    )
    by_deputy: dict[int, list[User]] = {}
    by_station: dict[int, list[User]] = {}
    for user in users:
        if user.role == Role.DEPUTY:
            by_deputy.setdefault(user.deputy_id, []).append(user)
        else:
            by_station.setdefault(user.station_id, []).append(user)
    return {c.pk: by_deputy.get(c.deputy_id, []) + by_station.get(c.station_id, []) for c in cases}


def congress_users_by_id(congress_ids: Iterable[int | None]) -> dict[int, list[User]]:
    """Congress staff per congress id, in one query."""
    ids = {i for i in congress_ids if i}
    if not ids:
        return {}
    result: dict[int, list[User]] = {}
    for user in active_users(Q(role=Role.CONGRESS_STAFF, congress_id__in=ids)):
        result.setdefault(user.congress_id, []).append(user)
    return result


def congress_users(case: Case) -> list[User]:
    return congress_users_by_id([case.congress_id]).get(case.congress_id, [])


def agency_users(agency_ids: Iterable[int]) -> list[User]:
    return active_users(Q(role=Role.AGENCY_HANDLER, agency_id__in=list(agency_ids)))


def reviewers(case: Case) -> list[User]:
    """Who reviews replies and sends feedback: the front (deputy/station) and, for triaged cases, congress staff."""
    users = front_users(case)
    if case.first_assigned_at or not users:
        users += congress_users(case)
    return users


def active_assignments(case: Case):
    return case.assignments.filter(status__in=("pending", "signed")).select_related("agency")


class SubjectHooks(Protocol):
    """What the subject app (opinions, suggestions) does when its case moves: tell the citizen, etc."""

    def after_event(self, case: Case, event: CaseEvent) -> None: ...

    def link(self, case: Case) -> str: ...


_HOOKS: dict[str, SubjectHooks] = {}


def register_hooks(kind: str, hooks: SubjectHooks) -> None:
    _HOOKS[kind] = hooks


def after_event(case: Case, event: CaseEvent) -> None:
    hooks = _HOOKS.get(case.kind)
    if hooks is not None:
        hooks.after_event(case, event)


def console_link(case: Case) -> str:
    hooks = _HOOKS.get(case.kind)
    return hooks.link(case) if hooks is not None else ""


def evaluator_role(case: Case, user: User | None) -> str | None:
    """For kinds evaluated by deputies: "primary" (the proposer's verdict moves the case),
    "secondary" (a co-signer's, recorded only) or None (may not evaluate). Asks the subject's hooks."""
    hooks = _HOOKS.get(case.kind)
    decide = getattr(hooks, "evaluator_role", None)
    return decide(case, user) if decide is not None else None


def evaluator_deputy_id(case: Case, user: User | None) -> int | None:
    """The deputy an evaluation is recorded for: the acting deputy, or the proposer when staff enter it."""
    if user is not None and user.role == Role.DEPUTY and user.deputy_id:
        return user.deputy_id
    return case.deputy_id
