"""Deferred intake: an opinion is acknowledged once stored, and the worker registers it in batches."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from renda.core.models import Notification, SmsMessage
from renda.handling.models import CaseEvent, CaseState, EventKind, Stage, Timer
from renda.opinions import intake, tracking
from renda.opinions.models import Channel, Opinion
from renda.opinions.selectors import opinion_inbox
from renda.opinions.services import OpinionInput, opinion_submit


@pytest.fixture(autouse=True)
def deferred(settings):
    settings.RENDA_INTAKE_INLINE = False


def store(world, **extra) -> Opinion:
    data = OpinionInput(
        content=extra.pop("content", "小区门口路灯坏了三个月，晚上出行不安全。"),
        channel=extra.pop("channel", Channel.DEPUTY_QR),
        deputy=extra.pop("deputy", world.deputy_a),
        station=extra.pop("station", world.station_a),
        consent=True,
        **extra,
    )
    opinion, created = opinion_submit(actor=None, data=data)
    assert created
    return opinion


def test_stored_opinion_waits_for_registration_and_shows_as_received(world):
    opinion = store(world, phone="13800138000", phone_verified=True)
    assert opinion.case_id is None and intake.pending_count() == 1
    view = tracking.public_view(opinion)
    assert view.own.state == CaseState.SUBMITTED and view.own.state_label == "待受理"
    assert [s.label for s in view.own.steps] == ["您的意见已提交"] and not view.can_evaluate
    assert not opinion_inbox(world.staff_a).filter(pk=opinion.pk).exists()
    assert not SmsMessage.objects.exists()


def test_registration_opens_the_case_with_timer_event_notices_and_text(world, django_capture_on_commit_callbacks):
    opinion = store(world, phone="13800138000", phone_verified=True, division=world.village_a)
    with django_capture_on_commit_callbacks(execute=True):
        assert intake.opinions_register_all() == 1
    opinion.refresh_from_db()
    case = opinion.case
    assert case.state == CaseState.SUBMITTED and case.stage == Stage.ACCEPT and case.stage_due_at
    assert case.congress == world.congress_a and case.deputy == world.deputy_a and case.station == world.station_a
    assert case.division == world.village_a and case.created_at == opinion.created_at
    assert CaseEvent.objects.get(case=case).kind == EventKind.SUBMIT
    assert Timer.objects.get(case=case).due_at == case.stage_due_at
    notified = set(Notification.objects.values_list("user__username", flat=True))
    assert {world.deputy_user_a.username, world.station_staff_a.username} <= notified
    sms = SmsMessage.objects.get()
    assert sms.phone == "13800138000" and opinion.tracking_code in sms.text
    assert opinion_inbox(world.staff_a).filter(pk=opinion.pk).exists()
    assert intake.opinions_register_all() == 0  # registered once only


def test_without_front_desk_congress_staff_are_told(world):
    opinion = store(world, deputy=None, station=None, channel=Channel.WEB, division=world.town_b)
    intake.opinions_register_all()
    opinion.refresh_from_db()
    assert opinion.case.congress == world.congress_b
    assert Notification.objects.filter(user=world.staff_b).exists()
    assert not Notification.objects.filter(user=world.staff_a).exists()


def test_deputy_without_place_goes_to_their_congress(world):
    opinion = store(world, station=None)
    intake.opinions_register_all()
    opinion.refresh_from_db()
    assert opinion.case.congress == world.congress_a


def test_a_batch_costs_the_same_queries_as_one(world):
    store(world)
    with CaptureQueriesContext(connection) as one:
        intake.opinions_register_all()
    for i in range(20):
        store(world, content=f"第{i}条：路面塌陷需要修补。", division=world.village_a)
    with CaptureQueriesContext(connection) as many:
        assert intake.opinions_register_all() == 20
    assert len(many.captured_queries) <= len(one.captured_queries) + 2
    assert Opinion.objects.filter(case__isnull=True).count() == 0


def test_storing_is_one_insert(world):
    data = OpinionInput(content="路灯坏了", channel=Channel.WEB, consent=True)
    with CaptureQueriesContext(connection) as ctx:
        opinion_submit(actor=None, data=data)
    inserts = [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("INSERT")]
    assert len(inserts) == 1 and len(ctx.captured_queries) <= 3  # savepoint + insert (+ release) in tests


def test_idempotent_retry_before_registration(world):
    data = OpinionInput(content="路灯坏了", channel=Channel.WEB, consent=True)
    first, created = opinion_submit(actor=None, data=data, idempotency_key="k1")
    again, created_again = opinion_submit(actor=None, data=data, idempotency_key="k1")
    assert created and not created_again and again.pk == first.pk and Opinion.objects.count() == 1


def test_api_acknowledges_before_registration(client, world):
    body = {"content": "路灯坏了", "consent": True, "deputy": world.deputy_a.number}
    response = client.post("/api/v1/opinions", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["state"] == "submitted" and response.json()["state_label"] == "待受理"
    code = response.json()["tracking_code"]
    assert Opinion.objects.get(tracking_code=code).case_id is None
    intake.opinions_register_all()
    assert Opinion.objects.get(tracking_code=code).case.deputy == world.deputy_a


def test_staff_entry_registers_at_once(world):
    data = OpinionInput(content="来访群众反映路灯坏了", channel=Channel.WALK_IN, consent=True, station=world.station_a)
    opinion, _ = opinion_submit(actor=world.station_staff_a, data=data, register_now=True)
    assert opinion.case is not None and opinion.case.station == world.station_a
    event = CaseEvent.objects.get(case=opinion.case)
    assert event.actor == world.station_staff_a


def test_worker_round_registers_and_survives_failure(world, monkeypatch):
    from renda.core.management.commands import worker

    monkeypatch.setattr(worker, "close_old_connections", lambda: None)  # it would end the test's transaction
    store(world)
    worker._intake_once()
    assert intake.pending_count() == 0
    store(world, content="另一条")
    monkeypatch.setattr(intake, "_register", lambda opinions: 1 / 0)
    worker._intake_once()  # logged, not raised; the opinion still waits
    assert intake.pending_count() == 1
