"""The worker's deadline tick: remind once before, escalate after (up to level 3), close unevaluated, catch up."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from renda.core.models import Notification
from renda.handling import services as hs
from renda.handling import tick
from renda.handling.models import (
    CaseState,
    CloseReason,
    Evaluation,
    EventKind,
    ReplyResult,
    Satisfaction,
    Stage,
    Supervision,
    Timer,
)
from renda.handling.tick import deadlines_tick

from .conftest import submit

MINUTE = datetime.timedelta(minutes=1)


def open_timer(case, stage=Stage.ACCEPT, assignment=None):
    return case.timers.get(cleared_at=None, escalated_at=None, stage=stage, assignment=assignment)


def events(case, kind):
    return case.events.filter(kind=kind).count()


def test_reminder_sent_once_before_deadline(world, opinion):
    case = opinion.case
    timer = open_timer(case)
    assert timer.remind_at < timer.due_at
    Notification.objects.all().delete()
    now = timer.remind_at + MINUTE
    assert deadlines_tick(now)["reminded"] == 1
    notes = Notification.objects.filter(user=world.deputy_user_a)
    assert notes.count() == 1 and "即将到期" in notes.get().body
    assert events(case, EventKind.REMIND) == 1
    timer.refresh_from_db()
    assert timer.reminded_at == now and timer.escalated_at is None
    # Later ticks before the deadline do nothing more.
    assert deadlines_tick(now + MINUTE) == {"reminded": 0, "escalated": 0, "closed": 0, "skipped": 0, "failed": 0}
    assert events(case, EventKind.REMIND) == 1
    assert Notification.objects.filter(user=world.deputy_user_a).count() == 1


def test_nothing_happens_before_reminder_time(opinion):
    timer = open_timer(opinion.case)
    assert not any(deadlines_tick(timer.remind_at - MINUTE).values())


def test_overdue_escalates_and_skips_the_missed_reminder(world, opinion):
    case = opinion.case
    timer = open_timer(case)
    now = timer.due_at + MINUTE
    result = deadlines_tick(now)
    assert result["escalated"] == 1 and result["reminded"] == 0
    case.refresh_from_db()
    assert case.supervision_level == 1 and case.state == CaseState.SUBMITTED
    supervision = Supervision.objects.get(case=case)
    assert supervision.by is None and "受理逾期" in supervision.reason
    assert events(case, EventKind.SUPERVISE) == 1 and events(case, EventKind.REMIND) == 0
    assert Notification.objects.filter(user=world.deputy_user_a, body__contains="逾期").exists()
    follow_up = open_timer(case)
    assert follow_up.pk != timer.pk and follow_up.due_at > now and follow_up.escalated_at is None


def test_levels_rise_to_three_and_stop(world, opinion):
    case = opinion.case
    now = open_timer(case).due_at + MINUTE
    for level in (1, 2, 3):
        assert deadlines_tick(now)["escalated"] == 1
        case.refresh_from_db()
        assert case.supervision_level == level
        if level < 3:
            now = open_timer(case).due_at + MINUTE
    assert not case.timers.filter(cleared_at=None, escalated_at=None).exists()
    assert not any(deadlines_tick(now + datetime.timedelta(days=30)).values())
    assert Supervision.objects.filter(case=case).count() == 3
    # From level 2 on, congress staff hear about it too.
    assert Notification.objects.filter(user=world.staff_a, body__contains="2级督办").exists()


def _fed_back(world, **kw):
    opinion = submit(world, **kw)
    hs.case_answer(actor=world.deputy_user_a, case=opinion.case, result=ReplyResult.RESOLVED, content="已处理。")
    opinion.case.refresh_from_db()
    assert opinion.case.state == CaseState.FED_BACK
    return opinion.case


def test_evaluation_window_closes_unevaluated(world):
    case = _fed_back(world)
    timer = open_timer(case, Stage.EVALUATE)
    # No reminder for the citizen's window, and nothing before it ends.
    assert not any(deadlines_tick(timer.due_at - MINUTE).values())
    assert deadlines_tick(timer.due_at + MINUTE)["closed"] == 1
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED and case.close_reason == CloseReason.UNEVALUATED
    evaluation = Evaluation.objects.get(case=case)
    assert evaluation.satisfaction == Satisfaction.NONE
    assert evaluation.satisfaction not in (Satisfaction.SATISFIED, Satisfaction.BASIC)
    assert case.supervision_level == 0
    assert not any(deadlines_tick(timer.due_at + datetime.timedelta(days=30)).values())


def test_catch_up_after_downtime_handles_each_timer_exactly_once(world):
    cases = [submit(world, phone="").case for _ in range(4)] + [_fed_back(world, phone="")]
    # The worker was down for a month: every deadline (and reminder) has passed.
    now = timezone.now() + datetime.timedelta(days=30)
    result = deadlines_tick(now)
    assert result == {"reminded": 0, "escalated": 4, "closed": 1, "skipped": 0, "failed": 0}
    for case in cases[:4]:
        case.refresh_from_db()
        assert case.supervision_level == 1
        assert events(case, EventKind.SUPERVISE) == 1
    cases[4].refresh_from_db()
    assert cases[4].state == CaseState.CLOSED
    assert not any(deadlines_tick(now).values())


def test_two_ticks_on_one_timer_do_not_double_act(opinion):
    timer = open_timer(opinion.case)
    now = timer.due_at + MINUTE
    # Another worker claimed it a moment ago (its conditional UPDATE won): this one does nothing.
    assert tick._claim(timer.pk, "escalated_at", now) is not None
    assert tick._claim(timer.pk, "escalated_at", now) is None
    assert not any(deadlines_tick(now).values())
    assert events(opinion.case, EventKind.SUPERVISE) == 0


def test_one_failing_case_does_not_stop_the_rest_and_is_retried(world, monkeypatch):
    bad, good = submit(world, phone="").case, submit(world, phone="").case
    real = hs.case_supervise

    def flaky(*, case, **kw):
        if case.pk == bad.pk:
            raise RuntimeError("boom")
        return real(case=case, **kw)

    monkeypatch.setattr(hs, "case_supervise", flaky)
    now = timezone.now() + datetime.timedelta(days=10)
    assert deadlines_tick(now) == {"reminded": 0, "escalated": 1, "closed": 0, "skipped": 0, "failed": 1}
    good.refresh_from_db()
    assert good.supervision_level == 1
    assert Timer.objects.get(case=bad, cleared_at=None).escalated_at is None  # the claim rolled back
    monkeypatch.setattr(hs, "case_supervise", real)
    assert deadlines_tick(now)["escalated"] == 1
    bad.refresh_from_db()
    assert bad.supervision_level == 1


def test_agency_timers_remind_and_escalate_the_agencies(world, opinion):
    case = opinion.case
    hs.case_forward(actor=world.deputy_user_a, case=case)
    hs.case_assign(actor=world.staff_a, case=case, lead=world.agency_a, co=[world.agency_a2])
    lead, co = case.assignments.order_by("role")[1], case.assignments.order_by("role")[0]
    sign = open_timer(case, Stage.SIGN, lead)
    Notification.objects.all().delete()
    assert deadlines_tick(sign.remind_at + MINUTE)["reminded"] == 2  # lead and co sign timers
    assert Notification.objects.filter(user=world.handler_a, body__contains="签收").count() == 1
    assert Notification.objects.filter(user=world.handler_a2, body__contains="签收").count() == 1
    assert not Notification.objects.filter(user=world.staff_a).exists()
    hs.case_sign(actor=world.handler_a, case=case)  # lead signs: its sign timer is cleared; the co's is not
    result = deadlines_tick(co.sign_due_at + MINUTE)
    assert result["escalated"] == 1
    supervision = Supervision.objects.get(case=case)
    assert world.agency_a2.name in supervision.reason and "签收逾期" in supervision.reason
    follow_up = open_timer(case, Stage.SIGN, co)
    assert follow_up.due_at > co.sign_due_at


def test_closed_case_timers_are_skipped(world, opinion):
    case = opinion.case
    timer = open_timer(case)
    hs.case_reject(actor=world.deputy_user_a, case=case, reason="不属于职责范围")
    assert not Timer.objects.filter(pk=timer.pk, cleared_at=None).exists()
    assert not any(deadlines_tick(timer.due_at + MINUTE).values())


def test_tick_command(opinion, capsys):
    call_command("tick")
    assert "督办 0 件" in capsys.readouterr().out


def test_worker_batch_runs_a_tick(monkeypatch):
    calls = []
    monkeypatch.setattr("renda.core.management.commands.worker.close_old_connections", lambda: None)
    monkeypatch.setattr("renda.handling.tick.deadlines_tick", lambda now=None: calls.append(now) or {})
    monkeypatch.setattr("renda.core.management.commands.worker.call_command", lambda *a, **k: calls.append("db"))
    monkeypatch.setattr("renda.core.management.commands.worker.connection.close", lambda: None)
    call_command("worker", batch=True)
    assert calls == [None, "db"]


@pytest.mark.django_db(transaction=True)
def test_two_workers_ticking_at_once_act_once(world):
    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("concurrent claims across connections are tested on PostgreSQL")
    import threading

    cases = [submit(world, phone="").case for _ in range(3)]
    now = timezone.now() + datetime.timedelta(days=10)
    barrier = threading.Barrier(2)
    results: list[dict] = []

    def work():
        try:
            barrier.wait(timeout=10)
            results.append(deadlines_tick(now))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sum(r["escalated"] for r in results) == 3 and not any(r["failed"] for r in results)
    for case in cases:
        assert events(case, EventKind.SUPERVISE) == 1
