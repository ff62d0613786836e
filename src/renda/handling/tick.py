"""The worker's periodic deadline job: remind before a stage's deadline, escalate (督办) or auto-close after.

It works from ``Timer`` rows, never from scheduled jobs, so a tick after any
downtime handles everything still due. Each timer is claimed with a
conditional UPDATE inside its own transaction: of two workers ticking at once
only one sees ``update() == 1`` and acts; if the action fails, the claim rolls
back with it and the next tick retries.
"""

import datetime
import logging
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from renda.core.workdays import add_working_days
from renda.handling import engine
from renda.handling import services as hs
from renda.handling.models import ACTIVE_ASSIGNMENT, Case, Stage, Timer

logger = logging.getLogger("renda.tick")

FOLLOW_UP_WORKING_DAYS = 2

_TICK_HOOKS: list[Callable[[datetime.datetime], dict[str, int] | None]] = []


def on_tick(func):
    """Also run ``func(now)`` on every tick (other domains' reminders: reception duty, activities…).

    Each hook must be idempotent and catch up after downtime (mark what it sent); a failing hook
    is logged and the others still run. Its returned counts are merged into the tick's.
    """
    if func not in _TICK_HOOKS:
        _TICK_HOOKS.append(func)
    return func


def deadlines_tick(now: datetime.datetime | None = None) -> dict[str, int]:
    """Handle every timer due at ``now``: overdue ones first (they skip their reminder), then reminders."""
    now = now or timezone.now()
    counts = {"reminded": 0, "escalated": 0, "closed": 0, "skipped": 0, "failed": 0}
    overdue = Timer.objects.filter(cleared_at=None, escalated_at=None, due_at__lte=now)
    for pk in list(overdue.order_by("due_at", "pk").values_list("pk", flat=True)):
        _run(pk, _escalate, now, counts)
    remind = Timer.objects.filter(
        cleared_at=None, reminded_at=None, escalated_at=None, remind_at__lte=now, due_at__gt=now
    ).exclude(stage=Stage.EVALUATE)  # the evaluation window is the citizen's, not a staff deadline
    for pk in list(remind.order_by("remind_at", "pk").values_list("pk", flat=True)):
        _run(pk, _remind, now, counts)
    for hook in _TICK_HOOKS:
        try:
            for key, value in (hook(now) or {}).items():
                if value:  # a quiet hook leaves the tick's answer as it was
                    counts[key] = counts.get(key, 0) + value
        except Exception:
            counts["failed"] += 1
            logger.exception("tick hook %s failed", getattr(hook, "__name__", hook))
    if any(counts.values()):
        logger.info("deadlines tick at %s: %s", now.isoformat(), counts)
    return counts


def _run(pk: int, action, now: datetime.datetime, counts: dict[str, int]) -> None:
    try:
        with transaction.atomic():
            outcome = action(pk, now)
    except Exception:  # one broken case must not stop the others; it is retried next tick
        logger.exception("deadline timer %s failed", pk)
        counts["failed"] += 1
        return
    if outcome:
        counts[outcome] += 1


def _claim(pk: int, field: str, now: datetime.datetime) -> Timer | None:
    # Lock the case before the timer (the order every service uses), so two workers never deadlock.
    case_id = Timer.objects.filter(pk=pk).values_list("case_id", flat=True).first()
    if case_id is None:
        return None
    list(Case.objects.select_for_update().filter(pk=case_id).values_list("pk", flat=True))
    if Timer.objects.filter(pk=pk, cleared_at=None, **{field: None}).update(**{field: now}) != 1:
        return None  # another worker took it, or it was cleared meanwhile
    return Timer.objects.select_related("case", "assignment__agency").get(pk=pk)


def _still_relevant(timer: Timer) -> bool:
    if not timer.case.is_open:
        return False
    return timer.assignment is None or timer.assignment.status in ACTIVE_ASSIGNMENT


def _remind(pk: int, now: datetime.datetime) -> str | None:
    timer = _claim(pk, "reminded_at", now)
    if timer is None:
        return None
    if not _still_relevant(timer):
        return "skipped"
    hs.case_remind(case=timer.case, stage=timer.stage, due_at=timer.due_at, assignment=timer.assignment)
    return "reminded"


def _escalate(pk: int, now: datetime.datetime) -> str | None:
    timer = _claim(pk, "escalated_at", now)
    if timer is None:
        return None
    if not _still_relevant(timer):
        return "skipped"
    case = timer.case
    if timer.stage == Stage.EVALUATE:
        hs.case_close_unevaluated(case=case)
        return "closed"
    due_text = timezone.localtime(timer.due_at).strftime("%Y-%m-%d %H:%M")
    who = f"{timer.assignment.agency.name}" if timer.assignment is not None else ""
    reason = f"{who}{Stage(timer.stage).label}逾期（时限{due_text}）"
    supervision = hs.case_supervise(actor=None, case=case, reason=reason)
    if supervision.level < hs.MAX_SUPERVISION_LEVEL:
        # Still ignored two working days later? Escalate again.
        due = add_working_days(now, FOLLOW_UP_WORKING_DAYS)
        engine.add_timer(case, timer.stage, now, due, timer.assignment)
    return "escalated"
